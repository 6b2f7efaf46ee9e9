import DomainKit
import Features

/// Everything about a `gbdt` model but its tables and trees; stored in the model header.
package struct GBDTPipelineParams: Codable, Sendable, Equatable {
    package enum EmbeddingSource: String, Codable, Sendable, CaseIterable {
        /// Seeded random signed vectors (only the seed is stored).
        case hashed
        /// The input table of a `linear` model trained on the same corpus (supervised).
        case linear
        /// fastText skipgram word vectors with subwords, trained on the corpus's tokens.
        case fasttext
    }
    package var embedding = EmbeddingSource.linear
    package var bucketBits = 20
    package var dimension = 64
    package var hashesPerToken = 1
    package var seed: UInt64 = 1
    package var tokenizer = TokenizerConfig()
    package var frequencyBits = 20
    /// Token weights of the pooling; nil in files written before the choice existed (inverse frequency).
    package var pooling: PoolingWeights?
    package var poolingWeights: PoolingWeights { pooling ?? .inverseFrequency }
    /// `learned` pooling's multipliers by token kind (`AttentionPooling.kindScales`); nil: all 1.
    package var kindScales: [Float]?
    package var projection = ProjectionKind.lda
    package var shapeSelection: [Int] = []
    package var sizes = FeatureSizes(projected: 20, shape: 5)
    package var trees = GBDTParams()
    package init() {}
}

/// `--features auto`: how many projected and shape dimensions, and how many boosting rounds, a
/// corpus of a given size gets, so nobody has to tune to start. Small corpora get fewer dimensions
/// (fewer splits to overfit) and fewer rounds.
///
/// | training domains | projected + shape | rounds | leaves | min data in leaf |
/// |---|---|---|---|---|
/// | < 1,000          | 8 + 3   | 50  | 15 | 5  |
/// | < 10,000         | 12 + 4  | 100 | 31 | 10 |
/// | ≥ 10,000         | 20 + 5  | 100 | 31 | 20 |
///
/// (A 16 + 5 row for < 100,000 was dropped: v2fly, 11k names and 123 labels, measured test macro-F1
/// 0.765 with 16 + 5 against 0.790 with 20 + 5; LDA of many labels wants the dimensions.)
package struct FeatureSizes: Sendable, Codable, Equatable {
    package var projected: Int
    package var shape: Int
    package var rounds: Int
    package var leaves: Int
    package var minDataInLeaf: Int

    package init(projected: Int, shape: Int, rounds: Int = 100, leaves: Int = 31, minDataInLeaf: Int = 20) {
        self.projected = projected
        self.shape = shape
        self.rounds = rounds
        self.leaves = leaves
        self.minDataInLeaf = minDataInLeaf
    }

    package static func auto(examples n: Int) -> FeatureSizes {
        switch n {
        case ..<1_000: FeatureSizes(projected: 8, shape: 3, rounds: 50, leaves: 15, minDataInLeaf: 5)
        case ..<10_000: FeatureSizes(projected: 12, shape: 4, rounds: 100, leaves: 31, minDataInLeaf: 10)
        default: FeatureSizes(projected: 20, shape: 5)
        }
    }

    /// "auto" or "P+S" (e.g. "20+5").
    package static func parse(_ text: String, examples: Int) -> FeatureSizes? {
        if text == "auto" { return auto(examples: examples) }
        let parts = text.split(separator: "+")
        guard parts.count == 2, let p = Int(parts[0]), let s = Int(parts[1]), p >= 0, s >= 0, s <= ShapeFeatures.count, p + s > 0 else { return nil }
        var sizes = auto(examples: examples)
        sizes.projected = p
        sizes.shape = s
        return sizes
    }
}
