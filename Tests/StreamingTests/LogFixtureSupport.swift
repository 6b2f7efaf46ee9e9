import Foundation
import XCTest
import Streaming

/// Reads the fixtures the real DNS servers wrote (see Fixtures/README.md) and
/// runs a parser over them, line by line, as the pipeline will.
enum LogFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The file's lines as bytes, without `\n` (a `\r` stays).
    static func lines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        var lines = [UInt8](data).split(separator: .init(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Names on the wire, in the order dig queried them.
    static func queriedNames() throws -> [String] {
        try lines("queried-names.txt").compactMap { line in
            let text = String(decoding: line, as: UTF8.self)
            guard !text.hasPrefix("#") else { return nil }
            return text.split(separator: "\t").last.map(String.init)
        }
    }

    /// The name the script polls each server with until it answers; a server
    /// may log the probe more than once (BIND logs it before its zones load).
    static let probe = "ready.domcat.test"

    /// `names` without the leading readiness probes; nil unless there is at least one.
    static func droppingProbes(_ names: [String]) -> [String]? {
        let probes = names.prefix { $0 == probe }.count
        return probes > 0 ? Array(names.dropFirst(probes)) : nil
    }
}

/// One parsed query with its fields as text, for assertions.
struct ParsedQuery: Equatable {
    var name: String
    var timestamp: String?
    var client: String?
    var qtype: String?
}

enum Parsing {
    static func parse(_ line: [UInt8], with format: inout any LogFormat) -> LogParse {
        line.withUnsafeBufferPointer { format.parse($0) }
    }

    static func results(_ kind: LogFormatKind, _ lines: [[UInt8]], column: String? = nil) -> [LogParse] {
        var format = LogFormats.make(kind, column: column)
        return lines.map { parse($0, with: &format) }
    }

    static func queries(_ kind: LogFormatKind, _ lines: [[UInt8]], column: String? = nil) -> [ParsedQuery] {
        var format = LogFormats.make(kind, column: column)
        return lines.compactMap { line in
            guard case .query(let record) = parse(line, with: &format) else { return nil }
            return ParsedQuery(name: text(line, record.name), timestamp: record.timestamp.map { text(line, $0) },
                               client: record.client.map { text(line, $0) }, qtype: record.qtype.map { text(line, $0) })
        }
    }

    static func text(_ line: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: line[range], as: UTF8.self)
    }

    static func detect(_ lines: [[UInt8]]) -> LogFormatKind {
        let buffers = lines.prefix(20).map { line -> UnsafeBufferPointer<UInt8> in
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: line.count)
            _ = copy.initialize(from: line)
            return UnsafeBufferPointer(copy)
        }
        defer { buffers.forEach { $0.deallocate() } }
        return LogFormats.detect(buffers)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

extension Array where Element == String {
    /// Names as the lead's normaliser will compare them: one trailing dot dropped.
    var withoutTrailingDots: [String] { map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } }
}
