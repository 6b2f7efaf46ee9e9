import FastTextKit

/// fastText word vectors (skipgram/cbow with subwords) as the token embedding: co-occurrence
/// learned from domain tokens, labelled or not, and unseen tokens still get a vector from their
/// character n-grams. libfasttext computes each vector (it allocates a little per call).
package final class FastTextEmbedding: TokenEmbedding, @unchecked Sendable {
    package let model: FastTextModel
    package var dimension: Int { model.dimension }

    package init(model: FastTextModel) { self.model = model }

    package func tokenVector(_ token: UnsafeBufferPointer<UInt8>, hashes: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<Float>) {
        model.wordVector(utf8: token, into: UnsafeMutableBufferPointer(start: out, count: model.dimension))
    }
}
