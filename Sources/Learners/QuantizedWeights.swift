/// One weight per bucket as a byte (`low + code × step`), read in place: the idf weights of a quantized
/// `linear` model. A pruned bucket keeps its weight, since it still counts in the name's L2 norm.
///
/// Layout, little-endian: `u32 count  f32 low  f32 step  u32 0  u8 × count`.
package final class QuantizedWeights: @unchecked Sendable {
    package let count: Int
    let low: Float
    let step: Float
    let codes: UnsafePointer<UInt8>
    /// The weights' bytes in the layout above: what a model file stores.
    package let layout: UnsafeRawBufferPointer
    private let owner: AnyObject

    package init(bytes: UnsafeRawBufferPointer, owner: AnyObject) throws {
        guard bytes.count >= 16, let base = bytes.baseAddress else { throw ModelDataError("quantized weights shorter than their header") }
        count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        low = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        step = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        guard bytes.count == 16 + count, low.isFinite, step.isFinite, step >= 0 else {
            throw ModelDataError("quantized weights: \(bytes.count) bytes for \(count) weights, low \(low), step \(step)")
        }
        codes = (base + 16).assumingMemoryBound(to: UInt8.self)
        layout = bytes
        self.owner = owner
    }

    @inline(__always)
    package subscript(_ bucket: Int) -> Float { low + Float(codes[bucket]) * step }

    @inline(__always)
    func address(_ bucket: Int) -> UnsafeRawPointer { UnsafeRawPointer(codes + bucket) }

    /// `weights` in 256 even steps between their least and largest value.
    package static func bytes(of weights: [Float]) -> [UInt8] {
        let low = weights.min() ?? 0, high = weights.max() ?? 0
        let step = (high - low) / 255
        var out = ByteBuilder()
        out.u32(UInt32(weights.count)); out.u32(low.bitPattern); out.u32(step.bitPattern); out.u32(0)
        out.bytes.reserveCapacity(16 + weights.count)
        for w in weights { out.bytes.append(step > 0 ? UInt8(((w - low) / step).rounded().clamped(0, 255)) : 0) }
        return out.bytes
    }
}
