import DomainKit
import Features

/// Everything about a `gbdt` model but its tables and trees; stored in the model header.
public struct GBDTPipelineParams: Codable, Sendable, Equatable {
    public enum EmbeddingSource: String, Codable, Sendable, CaseIterable {
        /// Seeded random signed vectors (only the seed is stored).
        case hashed
        /// The input table of a `linear` model trained on the same corpus (supervised).
        case linear
        /// fastText skipgram word vectors with subwords, trained on the corpus's tokens.
        case fasttext
    }
    public var embedding = EmbeddingSource.linear
    public var bucketBits = 20
    public var dimension = 64
    public var hashesPerToken = 1
    public var seed: UInt64 = 1
    public var tokenizer = TokenizerConfig()
    public var frequencyBits = 20
    /// Token weights of the pooling; nil in files written before the choice existed (inverse frequency).
    public var pooling: PoolingWeights?
    public var poolingWeights: PoolingWeights { pooling ?? .inverseFrequency }
    /// `learned` pooling's multipliers by token kind (`AttentionPooling.kindScales`); nil: all 1.
    public var kindScales: [Float]?
    public var projection = ProjectionKind.lda
    public var shapeSelection: [Int] = []
    public var sizes = FeatureSizes(projected: 20, shape: 5)
    public var trees = GBDTParams()
    public init() {}
}
