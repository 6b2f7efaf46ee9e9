import Foundation
import Lines
import ModelStore

/// A `.dcm` body with its sections stored raw, the form the fuzzer mutates section contents in:
///
///     "DOMCATM\0"  u32 version  u32 headerLength  header  u32 sectionCount  { u16 nameLength name  u8 form  … }*
///
/// with `u32 length bytes` after an even form byte (raw: the harness compresses them) and the `.dcm`'s own
/// `u64 rawLength u32 storedLength zstd-bytes` after an odd one: a large section (a gbdt model's 4 MiB of
/// token counts) stays compressed in the seeds, so they stay small.
enum OpenModelFile {
    /// Sections larger than this stay compressed in `unpack`'s output.
    static let largestRawSection = 1 << 16

    /// The `.dcm` body (without the digest) with every section compressed; nil when the input is cut short.
    static func pack(_ open: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var reader = Reader(bytes: open)
        guard reader.skip(12), let headerLength = reader.uint(4), reader.skip(Int(headerLength)), let count = reader.uint(4) else { return nil }
        var out = Array(open[..<reader.offset])
        for _ in 0..<count {
            guard let nameLength = reader.uint(2), let name = reader.take(Int(nameLength)), let form = reader.uint(1) else { return nil }
            let rawLength: UInt64, stored: [UInt8]
            if form & 1 == 0 {
                guard let length = reader.uint(4), let raw = reader.take(Int(length)),
                      let compressed = try? Zstd.compress(Array(raw), level: 1) else { return nil }
                (rawLength, stored) = (length, compressed)
            } else {
                guard let length = reader.uint(8), let storedLength = reader.uint(4), let bytes = reader.take(Int(storedLength)) else { return nil }
                (rawLength, stored) = (length, Array(bytes))
            }
            out.appendLE(UInt16(nameLength))
            out += name
            out.appendLE(rawLength)
            out.appendLE(UInt64(stored.count))
            out += stored
        }
        return out
    }

    /// A real model file in the open form: the seed of the section-content mutations.
    static func unpack(_ file: ModelFile) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = Array(try encoder.encode(file.header))
        var out = ModelFile.magic
        out.appendLE(UInt32(1))  // the format-1 layout, which `pack` writes back
        out.appendLE(UInt32(header.count))
        out += header
        out.appendLE(UInt32(file.sections.count))
        for (name, bytes) in file.sections.sorted(by: { $0.key < $1.key }) {
            out.appendLE(UInt16(name.utf8.count))
            out += Array(name.utf8)
            if bytes.count <= largestRawSection {
                out.append(0)
                out.appendLE(UInt32(bytes.count))
                out += bytes
            } else {
                let compressed = try Zstd.compress(bytes)
                out.append(1)
                out.appendLE(UInt64(bytes.count))
                out.appendLE(UInt32(compressed.count))
                out += compressed
            }
        }
        return out
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        mutating func take(_ n: Int) -> UnsafeBufferPointer<UInt8>.SubSequence? {
            guard n >= 0, n <= bytes.count - offset else { return nil }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }

        mutating func skip(_ n: Int) -> Bool { take(n) != nil }

        mutating func uint(_ n: Int) -> UInt64? {
            take(n).map { $0.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } }
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
