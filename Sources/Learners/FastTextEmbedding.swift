import FastTextKit
import Features

/// fastText word vectors (skipgram/cbow with subwords) as the token embedding: co-occurrence
/// learned from domain tokens, labelled or not, and unseen tokens still get a vector from their
/// character n-grams. libfasttext computes each vector (it allocates a little per call).
public final class FastTextEmbedding: TokenEmbedding, @unchecked Sendable {
    public let model: FastTextModel
    public var dimension: Int { model.dimension }

    public init(model: FastTextModel) { self.model = model }

    public func tokenVector(_ token: UnsafeBufferPointer<UInt8>, hashes: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<Float>) {
        model.wordVector(utf8: token, into: UnsafeMutableBufferPointer(start: out, count: model.dimension))
    }
}
