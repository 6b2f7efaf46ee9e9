import Crypto
import Foundation
import Lines

/// The head of a format-2 `.dcm` (`ModelFile`): the header's own bytes and where each section lies.
/// Reading checks every length and offset against the file before anything is allocated; writing lays
/// sections out page-aligned (plain) or back to back (compressed).
struct SectionTable {
    struct Entry {
        var name: String
        var offset: Int
        var rawLength: Int
        var storedLength: Int
    }

    var headerBytes: [UInt8]
    var header: ModelHeader
    var entries: [Entry]
    var compressed: Bool

    /// Parses a format-2 head; `end` is where the digest starts.
    init(_ bytes: UnsafeRawBufferPointer, end: Int, path: String) throws {
        let truncated = ModelFileError.corrupt(path: path, reason: "truncated")
        var offset = ModelFile.magic.count + 4
        func uint(_ n: Int) throws -> Int {
            guard n <= end - offset else { throw truncated }
            var v = 0
            for i in 0..<n { v |= Int(bytes[offset + i]) << (8 * i) }
            offset += n
            return v
        }
        let headerLength = try uint(4)
        guard headerLength <= end - offset else { throw truncated }
        headerBytes = Array(bytes[offset..<offset + headerLength])
        offset += headerLength
        header = try ModelFile.decodeHeader(headerBytes, path: path)
        let count = try uint(4)
        guard count <= 4096 else { throw ModelFileError.corrupt(path: path, reason: "\(count) sections") }
        entries = []
        var forms = Set<Int>()
        for _ in 0..<count {
            let nameLength = try uint(2)
            guard nameLength <= end - offset else { throw truncated }
            let name = String(decoding: bytes[offset..<offset + nameLength], as: UTF8.self)
            offset += nameLength
            let form = try uint(1)
            let entry = Entry(name: name, offset: try uint(8), rawLength: try uint(8), storedLength: try uint(8))
            guard form <= 1 else { throw ModelFileError.corrupt(path: path, reason: "section \(name) has compression \(form)") }
            forms.insert(form)
            entries.append(entry)
        }
        compressed = forms.contains(1)
        guard forms.count <= 1 else { throw ModelFileError.corrupt(path: path, reason: "plain and compressed sections mixed") }
        // In order, inside the file, after the head, not overlapping; plain ones page-aligned and as long as stored.
        var next = offset
        for entry in entries {
            guard entry.offset >= next, entry.storedLength >= 0, entry.offset <= end, entry.storedLength <= end - entry.offset,
                  entry.rawLength >= 0, entry.rawLength < 1 << 36 else {
                throw ModelFileError.corrupt(path: path, reason: "section \(entry.name) runs past the end")
            }
            if !compressed {
                guard entry.offset % ModelFile.sectionAlignment == 0, entry.rawLength == entry.storedLength else {
                    throw ModelFileError.corrupt(path: path, reason: "section \(entry.name) is not where a plain file puts it")
                }
            }
            next = entry.offset + entry.storedLength
        }
    }

    /// Whether a format-2 file holds compressed sections (it is expanded before use).
    static func isCompressed(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Bool {
        guard bytes.count >= ModelFile.magic.count + 4 + 32 else { throw ModelFileError.corrupt(path: path, reason: "truncated") }
        return try SectionTable(bytes, end: bytes.count - 32, path: path).compressed
    }

    /// The head (magic through the section table) and each section's offset: plain (`storedLengths` nil)
    /// at page-aligned offsets, compressed back to back.
    static func head(headerBytes: [UInt8], names: [String], rawLengths: [Int], storedLengths: [Int]?) -> (bytes: [UInt8], offsets: [Int]) {
        var head = ModelFile.magic
        head.appendLE(ModelFile.formatVersion)
        head.appendLE(UInt32(headerBytes.count))
        head += headerBytes
        head.appendLE(UInt32(names.count))
        let tableSize = names.reduce(0) { $0 + 2 + $1.utf8.count + 1 + 24 }
        var position = head.count + tableSize
        var offsets: [Int] = []
        for i in names.indices {
            if storedLengths == nil { position = (position + ModelFile.sectionAlignment - 1) / ModelFile.sectionAlignment * ModelFile.sectionAlignment }
            offsets.append(position)
            position += storedLengths?[i] ?? rawLengths[i]
        }
        for (i, name) in names.enumerated() {
            head.appendLE(UInt16(name.utf8.count))
            head += Array(name.utf8)
            head.append(storedLengths == nil ? 0 : 1)
            head.appendLE(UInt64(offsets[i]))
            head.appendLE(UInt64(rawLengths[i]))
            head.appendLE(UInt64(storedLengths?[i] ?? rawLengths[i]))
        }
        return (head, offsets)
    }
}

extension ModelFile {
    /// Hands out the format-2 file piece by piece (one section at a time), so writing a large model never
    /// holds a second copy of it; returns its digest (the plain form's, in either form).
    @discardableResult
    func encode(compressed: Bool, _ emit: ([UInt8]) throws -> Void) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes = Array(try encoder.encode(header))
        let names = sectionNames
        let writers = names.map { name -> SectionWriter in
            if let writer = streamedSections[name] { return writer }
            let bytes = section(name)!
            return { emit in try bytes.withUnsafeBytes { try emit($0) } }
        }
        let rawLengths = try writers.map { writer in
            var count = 0
            try writer { count += $0.count }
            return count
        }
        let digest = try Self.emitPlain(headerBytes: headerBytes, names: names, rawLengths: rawLengths, writers: writers,
                                        emit: compressed ? { _ in } : emit)
        guard compressed else { return hex(digest) }
        let stored = try writers.map { writer in
            let zstd = ZstdEncoder()
            try writer { try zstd.add($0) }
            try zstd.finish()
            return zstd.pieces
        }
        let head = SectionTable.head(headerBytes: headerBytes, names: names, rawLengths: rawLengths,
                                     storedLengths: stored.map { $0.reduce(0) { $0 + $1.count } })
        try emit(head.bytes)
        for pieces in stored { for piece in pieces { try emit(piece) } }
        try emit(digest)
        return hex(digest)
    }

    /// The plain form through `emit`, its SHA-256 last; returns the SHA-256.
    static func emitPlain(headerBytes: [UInt8], names: [String], rawLengths: [Int], writers: [SectionWriter],
                          emit: ([UInt8]) throws -> Void) throws -> [UInt8] {
        var hasher = SHA256()
        var position = 0
        func put(_ bytes: [UInt8]) throws {
            hasher.update(data: bytes)
            position += bytes.count
            try emit(bytes)
        }
        let head = SectionTable.head(headerBytes: headerBytes, names: names, rawLengths: rawLengths, storedLengths: nil)
        try put(head.bytes)
        for (i, writer) in writers.enumerated() {
            try put([UInt8](repeating: 0, count: head.offsets[i] - position))
            try writer { try put(Array($0)) }
        }
        let digest = Array(hasher.finalize())
        try emit(digest)
        return digest
    }

    /// A compressed file's sections decompressed and checked against its digest (that of the plain form);
    /// also the header's own bytes, from which the plain form is written.
    static func expand(_ bytes: [UInt8], path: String) throws -> (file: ModelFile, headerBytes: [UInt8]) {
        let table = try bytes.withUnsafeBytes { try SectionTable($0, end: bytes.count - 32, path: path) }
        var sections: [String: [UInt8]] = [:]
        for entry in table.entries {
            do {
                sections[entry.name] = try Zstd.decompress(bytes[entry.offset..<entry.offset + entry.storedLength], expectedSize: entry.rawLength)
            } catch {
                throw ModelFileError.corrupt(path: path, reason: "section \(entry.name): \(error)")
            }
        }
        let names = table.entries.map(\.name)
        let writers = names.map { name -> SectionWriter in
            let section = sections[name]!
            return { emit in try section.withUnsafeBytes { try emit($0) } }
        }
        let digest = try emitPlain(headerBytes: table.headerBytes, names: names, rawLengths: names.map { sections[$0]!.count },
                                   writers: writers) { _ in }
        guard digest.elementsEqual(bytes[(bytes.count - 32)...]) else {
            throw ModelFileError.corrupt(path: path, reason: "SHA-256 mismatch (truncated or modified)")
        }
        var file = ModelFile(header: table.header, sections: sections)
        file.digest = hex(digest)
        return (file, table.headerBytes)
    }
}
