import Foundation

/// `memchr` over a byte buffer: the reader scans megabytes for line ends and `#`,
/// and the generic `firstIndex(of:)` is slow in debug builds, where tests run.
enum ByteSearch {
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
