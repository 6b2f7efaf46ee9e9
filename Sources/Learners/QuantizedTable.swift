/// A hashed table's rows as int8 with a float scale per row (row = scale × codes), read in place from the
/// bytes it was written as, so a memory-mapped model file needs no decoding. Rows that were pruned (or all
/// zero) are not stored and read as the zero row; a bitmap with a popcount prefix per 64 buckets finds the
/// stored ones (a rank query: two small arrays that stay in cache, not a bucket → row index of 4 bytes each).
///
/// Layout, little-endian, every part 8-byte aligned:
///
///     u32 rows  u32 columns  u32 kept  u32 rowStride
///     u64 × words  (bit b set: bucket b is stored; words = ⌈rows / 64⌉)
///     u32 × words  (stored buckets before each word), padded to 8 bytes
///     kept × rowStride: { f32 scale, i8 × columns, zero padding }
package final class QuantizedTable: @unchecked Sendable {
    package let rows: Int
    package let columns: Int
    /// How many rows are stored; the others answer as the zero row.
    package let kept: Int
    let rowStride: Int
    let words: UnsafePointer<UInt64>
    let ranks: UnsafePointer<UInt32>
    let rowBase: UnsafeRawPointer
    /// The table's bytes in the layout above: what a model file stores.
    package let layout: UnsafeRawBufferPointer
    /// Whatever keeps the bytes alive: an array, or the mapping of a model file.
    private let owner: AnyObject

    static let headerBytes = 16

    /// The table over `bytes` (checked: sizes, bit counts and ranks agree, scales are finite), kept alive by `owner`.
    package init(bytes: UnsafeRawBufferPointer, owner: AnyObject) throws {
        guard bytes.count >= Self.headerBytes, let base = bytes.baseAddress, Int(bitPattern: base) % 8 == 0 else {
            throw ModelDataError("quantized table shorter than its header or misaligned")
        }
        let rows = Int(UInt32(littleEndian: bytes.load(fromByteOffset: 0, as: UInt32.self)))
        let columns = Int(UInt32(littleEndian: bytes.load(fromByteOffset: 4, as: UInt32.self)))
        let kept = Int(UInt32(littleEndian: bytes.load(fromByteOffset: 8, as: UInt32.self)))
        let rowStride = Int(UInt32(littleEndian: bytes.load(fromByteOffset: 12, as: UInt32.self)))
        guard rows > 0, rows <= 1 << 28, columns > 0, columns <= 1024, kept <= rows, rowStride == Self.stride(columns: columns) else {
            throw ModelDataError("quantized table sizes implausible: \(rows) rows × \(columns), \(kept) kept, stride \(rowStride)")
        }
        let wordCount = (rows + 63) / 64
        let rankOffset = Self.headerBytes + wordCount * 8
        let rowOffset = rankOffset + (wordCount * 4 + 7) / 8 * 8
        guard bytes.count == rowOffset + kept * rowStride else {
            throw ModelDataError("quantized table has \(bytes.count) bytes, expected \(rowOffset + kept * rowStride)")
        }
        let words = (base + Self.headerBytes).assumingMemoryBound(to: UInt64.self)
        let ranks = (base + rankOffset).assumingMemoryBound(to: UInt32.self)
        // Every rank must be the bits before it, or a lookup could land outside the stored rows.
        var seen = 0
        for w in 0..<wordCount {
            guard Int(UInt32(littleEndian: ranks[w])) == seen else { throw ModelDataError("quantized table rank \(w) disagrees with its bitmap") }
            seen += UInt64(littleEndian: words[w]).nonzeroBitCount
        }
        let tailBits = rows % 64
        guard seen == kept, tailBits == 0 || UInt64(littleEndian: words[wordCount - 1]) >> UInt64(tailBits) == 0 else {
            throw ModelDataError("quantized table bitmap marks \(seen) rows, header says \(kept)")
        }
        for r in 0..<kept where !Float(bitPattern: UInt32(littleEndian: (base + rowOffset + r * rowStride).load(as: UInt32.self))).isFinite {
            throw ModelDataError("quantized table row \(r) has a non-finite scale")
        }
        self.rows = rows
        self.columns = columns
        self.kept = kept
        self.rowStride = rowStride
        self.words = words
        self.ranks = ranks
        rowBase = UnsafeRawPointer(base + rowOffset)
        layout = bytes
        self.owner = owner
    }

    /// Bytes of one stored row: the scale, the codes, padded to 4 so the next scale is aligned.
    static func stride(columns: Int) -> Int { 4 + (columns + 3) / 4 * 4 }

    /// The stored row of `bucket` (its scale first), or nil: a pruned bucket, the zero row.
    @inline(__always)
    package func row(_ bucket: Int) -> UnsafeRawPointer? {
        let word = UInt64(littleEndian: words[bucket >> 6])
        let bit = UInt64(1) << UInt64(bucket & 63)
        guard word & bit != 0 else { return nil }
        let index = Int(UInt32(littleEndian: ranks[bucket >> 6])) + (word & (bit &- 1)).nonzeroBitCount
        return rowBase + index * rowStride
    }

    /// Where the row of `bucket` would be read from, for a prefetch before the bitmap is known.
    @inline(__always)
    func bitmapWord(_ bucket: Int) -> UnsafeRawPointer { UnsafeRawPointer(words + (bucket >> 6)) }

    /// `target += weight × row(bucket)`; nothing for the zero row.
    @inline(__always)
    package func add(_ bucket: Int, weight: Float, into target: UnsafeMutablePointer<Float>) {
        guard let row = row(bucket) else { return }
        let s = weight * Float(bitPattern: UInt32(littleEndian: row.load(as: UInt32.self)))
        let codes = (row + 4).assumingMemoryBound(to: Int8.self)
        var c = 0
        while c + 8 <= columns {
            let q = UnsafeRawPointer(codes + c).loadUnaligned(as: SIMD8<Int8>.self)
            let t = UnsafeRawPointer(target + c).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(target + c).storeBytes(of: t + s * SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: q)), as: SIMD8<Float>.self)
            c += 8
        }
        while c < columns {
            target[c] += s * Float(codes[c])
            c += 1
        }
    }

    /// Row `bucket` as floats (zeros for a pruned bucket), for explanations and tests.
    package func values(_ bucket: Int) -> [Float] {
        var out = [Float](repeating: 0, count: columns)
        out.withUnsafeMutableBufferPointer { add(bucket, weight: 1, into: $0.baseAddress!) }
        return out
    }

    /// The layout above for `table`'s rows whose `keep` is true and that are not all zero; each row scaled
    /// so its largest magnitude is 127.
    package static func bytes(of table: FloatTable, keep: (Int) -> Bool) -> [UInt8] {
        let rows = table.rows, columns = table.columns, rowStride = stride(columns: columns)
        let wordCount = (rows + 63) / 64
        var words = [UInt64](repeating: 0, count: wordCount)
        for r in 0..<rows where keep(r) {
            let p = table.row(r)
            if (0..<columns).contains(where: { p[$0] != 0 }) { words[r >> 6] |= 1 << UInt64(r & 63) }
        }
        let kept = words.reduce(0) { $0 + $1.nonzeroBitCount }
        var out = ByteBuilder()
        out.u32(UInt32(rows)); out.u32(UInt32(columns)); out.u32(UInt32(kept)); out.u32(UInt32(rowStride))
        for w in words { out.u64(w) }
        var rank: UInt32 = 0
        for w in words { out.u32(rank); rank += UInt32(w.nonzeroBitCount) }
        out.pad(to: 8)
        var codes = [UInt8](repeating: 0, count: rowStride - 4)
        for r in 0..<rows where words[r >> 6] & (1 << UInt64(r & 63)) != 0 {
            let p = table.row(r)
            var largest: Float = 0
            for c in 0..<columns { largest = max(largest, abs(p[c])) }
            let scale = largest / 127
            for c in 0..<columns { codes[c] = UInt8(bitPattern: Int8((p[c] / scale).rounded().clamped(-127, 127))) }
            out.u32(scale.bitPattern)
            out.bytes += codes
        }
        return out.bytes
    }
}

/// Little-endian appends for the tables' byte layouts.
struct ByteBuilder {
    var bytes: [UInt8] = []
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func pad(to alignment: Int) { while bytes.count % alignment != 0 { bytes.append(0) } }
}

extension Float {
    func clamped(_ low: Float, _ high: Float) -> Float { Swift.min(Swift.max(self, low), high) }
}

/// A copy of bytes in memory of its own, 16-byte aligned: what in-place tables read when the model was
/// not mapped (decoded from a compressed file, or just quantized).
package final class AlignedBytes: @unchecked Sendable {
    package let buffer: UnsafeRawBufferPointer

    package init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        _ = raw.initializeMemory(as: UInt8.self, from: bytes)
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[0..<bytes.count])
    }

    deinit { UnsafeMutableRawPointer(mutating: buffer.baseAddress!).deallocate() }
}
