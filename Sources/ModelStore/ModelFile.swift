import Crypto
import Foundation
import Learners
import Lines

/// The `.dcm` container: magic + format version, a JSON header, named zstd-compressed sections,
/// and a SHA-256 of everything before it. Knows nothing about model kinds.
///
///     "DOMCATM\0"  u32 version  u32 headerLength  header(JSON)
///     u32 sectionCount  { u16 nameLength name  u64 rawLength  u64 storedLength  zstd(bytes) }*
///     sha256(all of the above)
package struct ModelFile: Sendable {
    package static let magic = Array("DOMCATM\0".utf8)
    package static let formatVersion: UInt32 = 1

    package var header: ModelHeader
    package var sections: [String: [UInt8]]
    /// Sections too large to copy (a model's embedding table): written piece by piece when the file is
    /// encoded, compressed as they come. Read back, they are ordinary `sections`.
    package var streamedSections: [String: SectionWriter] = [:]
    package typealias SectionWriter = @Sendable (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    /// Hex SHA-256 of the file as read (empty before it is written): the model's version.
    package private(set) var digest = ""

    package init(header: ModelHeader, sections: [String: [UInt8]]) {
        self.header = header
        self.sections = sections
    }

    /// A section's bytes.
    package func section(_ name: String) -> [UInt8]? { sections[name] }

    /// A section to read in place (a quantized table): a copy aligned for loads.
    package func region(_ name: String) -> SectionRegion? {
        sections[name].map { let copy = AlignedBytes($0); return SectionRegion(bytes: copy.buffer, owner: copy) }
    }

    package func encoded() throws -> [UInt8] {
        var out: [UInt8] = []
        try encode { out += $0 }
        return out
    }

    /// Hands the file out piece by piece (one compressed section at a time) with its SHA-256 at the end,
    /// so writing a large model never holds a second copy of all of it.
    @discardableResult
    func encode(_ emit: ([UInt8]) throws -> Void) throws -> String {
        var hasher = SHA256()
        func put(_ bytes: [UInt8]) throws {
            hasher.update(data: bytes)
            try emit(bytes)
        }
        var head = Self.magic
        head.appendLE(Self.formatVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes = Array(try encoder.encode(header))
        head.appendLE(UInt32(headerBytes.count))
        head += headerBytes
        let names = Set(sections.keys).union(streamedSections.keys).sorted()
        head.appendLE(UInt32(names.count))
        try put(head)
        for name in names {
            let rawCount: Int, stored: [[UInt8]], storedCount: Int
            if let writer = streamedSections[name] {
                let encoder = ZstdEncoder()
                try writer { try encoder.add($0) }
                try encoder.finish()
                (rawCount, stored, storedCount) = (encoder.rawCount, encoder.pieces, encoder.compressedCount)
            } else {
                let raw = sections[name]!
                let compressed = try Zstd.compress(raw)
                (rawCount, stored, storedCount) = (raw.count, [compressed], compressed.count)
            }
            var sectionHead: [UInt8] = []
            let nameBytes = Array(name.utf8)
            sectionHead.appendLE(UInt16(nameBytes.count))
            sectionHead += nameBytes
            sectionHead.appendLE(UInt64(rawCount))
            sectionHead.appendLE(UInt64(storedCount))
            try put(sectionHead)
            for piece in stored { try put(piece) }
        }
        let digest = Array(hasher.finalize())
        try emit(digest)
        return hex(digest)
    }

    /// Written to a temporary file then renamed, so a full disk never leaves half a model behind; the
    /// rename would replace whatever is at `path`, so `OutputPath` checks it first (not a device, none of
    /// `inputs`). Returns the file's digest (its version).
    @discardableResult
    package func write(to path: String, inputs: [String] = []) throws -> String {
        try OutputPath.check(path, inputs: inputs)
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ModelFileError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        let digest: String
        do {
            digest = try encode { bytes in
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

    package static func read(path: String) throws -> ModelFile {
        try decode(readWhole(path), path: path)
    }

    /// The file's bytes, read straight into one array (no intermediate `Data` copy of a large model).
    static func readWhole(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ModelFileError.unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModelFileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ModelFileError.unreadable(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : EIO; break }
                count += n
            }
        }
        guard failure == 0 else { throw ModelFileError.unreadable(path: path, reason: String(cString: strerror(failure))) }
        return bytes
    }

    package static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> ModelFile {
        var reader = ByteReader(bytes: bytes, truncated: ModelFileError.corrupt(path: path, reason: "truncated"))
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw ModelFileError.notAModel(path: path)
        }
        reader.offset = magic.count
        let version = try reader.u32()
        // A version far past ours is a damaged header, not a future domcat.
        guard version <= formatVersion || version > 255 else { throw ModelFileError.newerFormat(path: path, version: version, supported: formatVersion) }
        guard version <= formatVersion, version > 0 else { throw ModelFileError.corrupt(path: path, reason: "format version field \(version)") }
        guard bytes.count >= magic.count + 4 + 32 else { throw ModelFileError.corrupt(path: path, reason: "truncated") }
        let body = bytes[0..<(bytes.count - 32)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[(bytes.count - 32)...]) else {
            throw ModelFileError.corrupt(path: path, reason: "SHA-256 mismatch (truncated or modified)")
        }
        reader.end = bytes.count - 32
        let headerLength = Int(try reader.u32())
        let headerBytes = try reader.take(headerLength)
        let header: ModelHeader
        do {
            header = try JSONDecoder().decode(ModelHeader.self, from: Data(headerBytes))
        } catch {
            throw ModelFileError.corrupt(path: path, reason: "unreadable header: \(error)")
        }
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
