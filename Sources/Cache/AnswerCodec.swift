import Learners

/// The bytes of a cached answer in Redis: per label, its index (Int32) and probability (Float32), little-endian.
/// Keys carry the model digest, so indices always refer to the labels of the model that wrote them.
package enum AnswerCodec {
    package static func encode(_ top: some Collection<LabelScore>, into out: inout [UInt8]) {
        for score in top {
            withUnsafeBytes(of: score.label.littleEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: score.probability.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    /// nil when the bytes are not an answer for a model with `labelCount` labels (then it counts as a miss).
    package static func decode(_ bytes: UnsafeRawBufferPointer, labelCount: Int) -> [LabelScore]? {
        guard bytes.count > 0, bytes.count % 8 == 0 else { return nil }
        var top: [LabelScore] = []
        top.reserveCapacity(bytes.count / 8)
        for offset in stride(from: 0, to: bytes.count, by: 8) {
            let label = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
            let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let p = Float(bitPattern: bits)
            guard label >= 0, Int(label) < labelCount, p.isFinite, p >= 0, p <= 1 else { return nil }
            top.append(LabelScore(label: label, probability: p))
        }
        return top
    }
}
