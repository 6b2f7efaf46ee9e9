/// Bounds-checked little-endian reads over a byte array: running past `end` throws the error the
/// format names for truncation, so no length field can make a reader run off its input.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    var end: Int
    let truncated: any Error

    init(bytes: [UInt8], offset: Int = 0, truncated: any Error) {
        self.bytes = bytes
        self.offset = offset
        end = bytes.count
        self.truncated = truncated
    }

    func require(_ count: Int) throws {
        guard count >= 0, count <= end - offset else { throw truncated }
    }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        try require(n)
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func u16() throws -> UInt16 { UInt16(try uint(2)) }
    mutating func u32() throws -> UInt32 { UInt32(try uint(4)) }
    mutating func u64() throws -> UInt64 { try uint(8) }
    mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }

    mutating func f32s(_ count: Int) throws -> [Float] {
        try require(count * 4)
        var values = [Float]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try f32()) }
        return values
    }

    private mutating func uint(_ n: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(n).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }
}

/// Little-endian writes, the other half of `ByteReader`.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) { bytes.appendLE(value) }
    mutating func u32(_ value: UInt32) { bytes.appendLE(value) }
    mutating func u64(_ value: UInt64) { bytes.appendLE(value) }
    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    mutating func f32(_ value: Float) { u32(value.bitPattern) }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
