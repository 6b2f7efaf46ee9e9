import Crypto
import Foundation
import Learners
import Lines

/// The `.dcm` container: magic + format version, a JSON header, named sections, and a SHA-256. Knows
/// nothing about model kinds. Format 2 (written now) is laid out to be used in place:
///
///     "DOMCATM\0"  u32 version(2)  u32 headerLength  header(JSON)
///     u32 sectionCount  { u16 nameLength name  u8 compression  u64 offset  u64 rawLength  u64 storedLength }*
///     zero padding  { section bytes at its offset }*  sha256
///
/// Plain (compression 0): every section uncompressed at a page-aligned offset, so a reader maps the file
/// and reads its tables where they lie; the SHA-256 is of everything before it. Compressed (`--compress`,
/// compression 1, for shipping): the same header and sections, each zstd-compressed, back to back; its
/// SHA-256 is the plain form's, so a model has one digest (its version) in either form, and a compressed
/// file is expanded once into a plain one in the model cache (`ModelCache`) and mapped from there.
/// Format 1 (read only): `u32 sectionCount { u16 nameLength name u64 rawLength u64 storedLength zstd }*`,
/// the SHA-256 of the file before it.
package struct ModelFile: Sendable {
    package static let magic = Array("DOMCATM\0".utf8)
    /// The newest format this domcat reads, and the one it writes.
    package static let formatVersion: UInt32 = 2
    /// Sections of a plain file start at multiples of this: a page, so each can be mapped and read in place.
    package static let sectionAlignment = 4096

    package var header: ModelHeader
    package var sections: [String: [UInt8]]
    /// Sections too large to copy (a model's embedding table): written piece by piece when the file is
    /// encoded. Read back, they are ordinary `sections`.
    package var streamedSections: [String: SectionWriter] = [:]
    package typealias SectionWriter = @Sendable (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    /// Hex SHA-256 of the file as read (of its plain form; empty before it is written): the model's version.
    package internal(set) var digest = ""
    /// The plain file this one was read from, mapped, and where each section lies in it.
    package internal(set) var mapping: MappedFile?
    var mappedSections: [String: Range<Int>] = [:]

    package init(header: ModelHeader, sections: [String: [UInt8]]) {
        self.header = header
        self.sections = sections
    }

    /// A section's bytes (copied out of the mapping when the file is mapped).
    package func section(_ name: String) -> [UInt8]? {
        if let bytes = sections[name] { return bytes }
        guard let mapping, let range = mappedSections[name] else { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: mapping.bytes[range]))
    }

    /// A section to read in place (a quantized table): the mapping's own bytes when the file is mapped,
    /// else a copy aligned for loads.
    package func region(_ name: String) -> SectionRegion? {
        if let mapping, let range = mappedSections[name] {
            return SectionRegion(bytes: UnsafeRawBufferPointer(rebasing: mapping.bytes[range]), owner: mapping)
        }
        return sections[name].map { let copy = AlignedBytes($0); return SectionRegion(bytes: copy.buffer, owner: copy) }
    }

    /// Every section's name, whether copied or mapped.
    package var sectionNames: [String] { Set(sections.keys).union(streamedSections.keys).union(mappedSections.keys).sorted() }

    package func encoded(compressed: Bool = false) throws -> [UInt8] {
        var out: [UInt8] = []
        try encode(compressed: compressed) { out += $0 }
        return out
    }

    /// Written to a temporary file then renamed, so a full disk never leaves half a model behind and a
    /// process that maps the old file keeps reading it; the rename would replace whatever is at `path`,
    /// so `OutputPath` checks it first (not a device, none of `inputs`). Returns the file's digest (its version).
    @discardableResult
    package func write(to path: String, inputs: [String] = [], compressed: Bool = false) throws -> String {
        try OutputPath.check(path, inputs: inputs)
        return try Self.writeDurably(to: path) { try encode(compressed: compressed, $0) }
    }

    /// Hands `produce`'s bytes to a temporary file beside `path`, syncs it, and renames it to `path`.
    static func writeDurably(to path: String, _ produce: (([UInt8]) throws -> Void) throws -> String) throws -> String {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        let digest: String
        do {
            digest = try produce { bytes in
                var offset = 0
                try bytes.withUnsafeBytes { raw in
                    while offset < raw.count {
                        let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                        if n < 0 && errno == EINTR { continue }
                        guard n > 0 else { throw ModelFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
                        offset += n
                    }
                }
            }
            guard fsync(fd) == 0 || errno == EINVAL else { throw ModelFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ModelFileError.unwritable(path: path, reason: reason)
        }
        return digest
    }

    /// The model in `path`: a plain format-2 file is mapped and checked in place, a compressed one expanded
    /// into the model cache once and mapped from there, a format-1 file read and decoded.
    package static func read(path: String) throws -> ModelFile {
        let mapping = try MappedFile(path: path)
        let version = try formatVersion(of: mapping.bytes, path: path)
        if version == 1 { return try decode(Array(mapping.bytes), path: path) }
        if try SectionTable.isCompressed(mapping.bytes, path: path) { return try ModelCache.plain(expanding: Array(mapping.bytes), path: path) }
        return try mapped(mapping, path: path)
    }

    /// Checks the magic and version; returns the version (1 or 2).
    static func formatVersion(of bytes: UnsafeRawBufferPointer, path: String) throws -> UInt32 {
        guard bytes.count >= magic.count, magic.indices.allSatisfy({ bytes[$0] == magic[$0] }) else { throw ModelFileError.notAModel(path: path) }
        guard bytes.count >= magic.count + 4 else { throw ModelFileError.corrupt(path: path, reason: "truncated") }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self))
        // A version far past ours is a damaged header, not a future domcat.
        guard version <= formatVersion || version > 255 else { throw ModelFileError.newerFormat(path: path, version: version, supported: formatVersion) }
        guard version <= formatVersion, version > 0 else { throw ModelFileError.corrupt(path: path, reason: "format version field \(version)") }
        return version
    }

    /// A plain file's mapping checked (its SHA-256 streamed over the mapped pages, no copy) and its sections
    /// located in it.
    static func mapped(_ mapping: MappedFile, path: String) throws -> ModelFile {
        let bytes = mapping.bytes
        guard bytes.count >= magic.count + 4 + 32 else { throw ModelFileError.corrupt(path: path, reason: "truncated") }
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 32)]))
        guard hasher.finalize().elementsEqual(bytes[(bytes.count - 32)...]) else {
            throw ModelFileError.corrupt(path: path, reason: "SHA-256 mismatch (truncated or modified)")
        }
        let table = try SectionTable(bytes, end: bytes.count - 32, path: path)
        guard !table.compressed else { throw ModelFileError.corrupt(path: path, reason: "compressed sections in a mapped file") }
        var file = ModelFile(header: table.header, sections: [:])
        file.mapping = mapping
        for entry in table.entries { file.mappedSections[entry.name] = entry.offset..<entry.offset + entry.rawLength }
        file.digest = hex(bytes[(bytes.count - 32)...])
        return file
    }

    /// Bytes in any format, held in memory (tests, the fuzzer): sections are copied out.
    package static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> ModelFile {
        let version = try bytes.withUnsafeBytes { try formatVersion(of: $0, path: path) }
        if version == 2 {
            if try bytes.withUnsafeBytes({ try SectionTable.isCompressed($0, path: path) }) { return try expand(bytes, path: path).file }
            let copy = AlignedBytes(bytes)
            var file = try mapped(MappedFile(copying: copy), path: path)
            file.sections = Dictionary(uniqueKeysWithValues: file.mappedSections.keys.map { ($0, file.section($0)!) })
            file.mapping = nil
            file.mappedSections = [:]
            return file
        }
        var reader = ByteReader(bytes: bytes, truncated: ModelFileError.corrupt(path: path, reason: "truncated"))
        reader.offset = magic.count + 4
        guard bytes.count >= magic.count + 4 + 32 else { throw ModelFileError.corrupt(path: path, reason: "truncated") }
        let body = bytes[0..<(bytes.count - 32)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - 32)...]) else {
            throw ModelFileError.corrupt(path: path, reason: "SHA-256 mismatch (truncated or modified)")
        }
        reader.end = bytes.count - 32
        let headerLength = Int(try reader.u32())
        let header = try decodeHeader(try reader.take(headerLength), path: path)
        var sections: [String: [UInt8]] = [:]
        let count = try reader.u32()
        for _ in 0..<count {
            let nameLength = Int(try reader.u16())
            let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
            let rawLength = try reader.u64()
            let storedLength = try reader.u64()
            guard rawLength < 1 << 36, storedLength <= UInt64(reader.end - reader.offset) else {
                throw ModelFileError.corrupt(path: path, reason: "section \(name) runs past the end")
            }
            let stored = try reader.take(Int(storedLength))
            do {
                sections[name] = try Zstd.decompress(stored, expectedSize: Int(rawLength))
            } catch {
                throw ModelFileError.corrupt(path: path, reason: "section \(name): \(error)")
            }
        }
        var file = ModelFile(header: header, sections: sections)
        file.digest = hex(bytes[(bytes.count - 32)...])
        return file
    }

    static func decodeHeader<C: Collection>(_ bytes: C, path: String) throws -> ModelHeader where C.Element == UInt8 {
        do {
            return try JSONDecoder().decode(ModelHeader.self, from: Data(bytes))
        } catch {
            throw ModelFileError.corrupt(path: path, reason: "unreadable header: \(error)")
        }
    }
}

/// A section's bytes where they lie, and what keeps them there.
package struct SectionRegion {
    package let bytes: UnsafeRawBufferPointer
    package let owner: AnyObject
}

package enum ModelFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case notAModel(path: String)
    case newerFormat(path: String, version: UInt32, supported: UInt32)
    case corrupt(path: String, reason: String)
    case missingSection(path: String, name: String)
    case unknownKind(path: String, kind: String)

    package var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read model \(path): \(reason)"
        case let .unwritable(path, reason): "cannot write model \(path): \(reason)"
        case let .notAModel(path): "\(path) is not a domcat model (bad magic)"
        case let .newerFormat(path, version, supported): "\(path) has model format \(version); this domcat reads up to \(supported): upgrade domcat"
        case let .corrupt(path, reason): "model \(path) is corrupt: \(reason)"
        case let .missingSection(path, name): "model \(path) is corrupt: section \(name) missing"
        case let .unknownKind(path, kind): "model \(path) has unknown kind '\(kind)'"
        }
    }
}

func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
}
