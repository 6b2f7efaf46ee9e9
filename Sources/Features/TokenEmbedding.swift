/// One vector per word token: what attention pooling averages. Implementations are read-only
/// after construction, so one instance serves every classifying thread.
package protocol TokenEmbedding: AnyObject, Sendable {
    var dimension: Int { get }
    /// Writes `dimension` floats for one word token. `hashes` are the token's own hash followed by
    /// its character n-gram hashes (`Tokenizer.tokenHashes`); a source may use them or the bytes.
    func tokenVector(_ token: UnsafeBufferPointer<UInt8>, hashes: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<Float>)
}
