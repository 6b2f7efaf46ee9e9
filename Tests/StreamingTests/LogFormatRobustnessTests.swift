import XCTest
import Streaming

/// What real streams throw at a parser: a last line cut mid-write, CRLF line
/// ends, bytes that are not UTF-8, and a line of 1 MiB. Every format answers
/// each of them without crashing, and in time linear in the line.
final class LogFormatRobustnessTests: XCTestCase {
    /// A query line of each format, taken from the fixtures.
    private func sampleQueryLines() throws -> [(LogFormatKind, [[UInt8]], Int)] {
        let fixtures: [(LogFormatKind, String)] = [
            (.dnsmasq, "dnsmasq.log"), (.dnsmasq, "dnsmasq-extra.log"), (.unbound, "unbound.log"), (.bind, "bind-query.log"),
            (.tsharkFields, "tshark-fields.tsv"), (.tsharkJSON, "tshark-ek.jsonl"), (.tsharkJSON, "tshark-ek-fields.jsonl"),
            (.tcpdump, "tcpdump.txt"), (.zeek, "zeek-dns.log"), (.zeekJSON, "zeek-dns.json"),
        ]
        return try fixtures.map { kind, fixture in
            let lines = try LogFixtures.lines(fixture)
            let results = Parsing.results(kind, lines)
            let index = try XCTUnwrap(results.lastIndex { if case .query = $0 { return true } else { return false } }, fixture)
            return (kind, lines, index)
        }
    }

    func testCRLFLineEndsGiveTheSameNames() throws {
        for (kind, lines, _) in try sampleQueryLines() {
            let crlf = lines.map { $0 + [UInt8(ascii: "\r")] }
            XCTAssertEqual(Parsing.queries(kind, crlf), Parsing.queries(kind, lines), "\(kind)")
            XCTAssertFalse(Parsing.queries(kind, crlf).isEmpty)
        }
        XCTAssertEqual(Parsing.queries(.plain, [Parsing.bytes("example.com\r\n")]).map(\.name), ["example.com"])
        XCTAssertEqual(Parsing.queries(.csv, [Parsing.bytes("\"example.com\"\r")], column: "1").map(\.name), ["example.com"])
    }

    /// A stream cut mid-line ends with a prefix of a query line: either no
    /// query, malformed, or a name that is a prefix of the real one — never a crash.
    func testTruncatedLastLine() throws {
        for (kind, lines, index) in try sampleQueryLines() {
            let full = lines[index]
            let headers = lines[..<index].filter { $0.first == UInt8(ascii: "#") }  // Zeek's state
            guard case .query(let whole) = Parsing.results(kind, headers + [full]).last! else { return XCTFail("\(kind)") }
            let fullName = full[whole.name]
            for cut in 0..<full.count {
                let truncated = headers + [Array(full[..<cut])]
                guard case .query(let record) = Parsing.results(kind, truncated).last! else { continue }
                let name = truncated.last![record.name]
                XCTAssertTrue(fullName.starts(with: name) && record.name.upperBound <= cut, "\(kind) cut at \(cut): \(String(decoding: name, as: UTF8.self))")
            }
        }
        if case .malformed = Parsing.results(.dnsmasq, [Parsing.bytes("Nov 23 15:44:20 dnsmasq[9152]: query[A] www.domc")])[0] {} else { XCTFail("dnsmasq cut") }
        if case .malformed = Parsing.results(.tsharkJSON, [Parsing.bytes(#"{"layers":{"dns_dns_qry_name":"www.domc"#)])[0] {} else { XCTFail("json cut") }
    }

    func testInvalidUTF8IsKeptAsRawBytes() throws {
        let bad: [UInt8] = [0xFF, 0xC3, 0x28, 0x80]
        let name = Array("x".utf8) + bad + Array(".example".utf8)
        let cases: [(LogFormatKind, [UInt8])] = [
            (.plain, name),
            (.dnsmasq, Array("Nov 23 15:44:20 dnsmasq[1]: query[A] ".utf8) + name + Array(" from 10.0.0.2".utf8)),
            (.unbound, Array("[1716199200] unbound[7:0] info: 10.0.0.2 ".utf8) + name + Array(" A IN".utf8)),
            (.bind, Array("client @0x1 10.0.0.2#5 (x): query: ".utf8) + name + Array(" IN A + (10.0.0.1)".utf8)),
            (.tcpdump, Array("15:54:38.843491 IP 10.0.0.2.5 > 10.0.0.1.53: 1+ A? ".utf8) + name + Array(" (29)".utf8)),
            (.tsharkFields, Array("1716199200.5\t10.0.0.2\t".utf8) + name + Array("\t1".utf8)),
            (.tsharkJSON, Array(#"{"layers":{"dns_dns_qry_name":""#.utf8) + name + Array(#""}}"#.utf8)),
            (.zeekJSON, Array(#"{"ts":1,"query":""#.utf8) + name + Array(#""}"#.utf8)),
            (.csv, Array("1,".utf8) + name),
        ]
        for (kind, line) in cases {
            guard case .query(let record) = Parsing.results(kind, [line], column: kind == .csv ? "2" : nil)[0] else { XCTFail("\(kind)"); continue }
            XCTAssertEqual(Array(line[record.name]), name, "\(kind)")
        }
        let garbage = [bad, [0xC0], bad + [UInt8(ascii: "\t"), UInt8(ascii: ",")] + bad]
        for kind in LogFormatKind.allCases {
            assertOneResultPerLineInBounds(kind, garbage, Parsing.results(kind, garbage))
        }
    }

    func testMegabyteLines() throws {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let lines: [[UInt8]] = [
            huge,
            Array("Nov 23 15:44:20 dnsmasq[1]: query[A] ".utf8) + huge + Array(" from 10.0.0.2".utf8),
            Array(repeating: UInt8(ascii: " "), count: 1 << 20),
            Array(repeating: UInt8(ascii: "\""), count: 1 << 20),
            Array(repeating: UInt8(ascii: "\t"), count: 1 << 20),
            Array(repeating: UInt8(ascii: ","), count: 1 << 20),
            Array(repeating: UInt8(ascii: "q"), count: 1 << 20),
            Array(String(repeating: "\"k\":\"v\",", count: 1 << 17).utf8),
            Array(String(repeating: "{\"index\":", count: 1 << 17).utf8),
            Array(String(repeating: " IP ", count: 1 << 18).utf8),
            Array(String(repeating: "client ", count: 1 << 17).utf8),
            Array(String(repeating: " info: ", count: 1 << 17).utf8),
            Array(String(repeating: "query[", count: 1 << 17).utf8),
            Array(String(repeating: "\\", count: 1 << 20).utf8),
        ]
        let start = Date()
        for kind in LogFormatKind.allCases {
            assertOneResultPerLineInBounds(kind, lines, Parsing.results(kind, lines))
            assertOneResultPerLineInBounds(kind, lines, Parsing.results(kind, lines, column: "3"))
        }
        XCTAssertEqual(Parsing.detect(lines), .plain, "one line that holds a query does not decide for thirteen that hold none")
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "linear scanning: 14 MiB × 11 formats × 2")
        guard case .query(let record) = Parsing.results(.dnsmasq, [lines[1]])[0] else { return XCTFail("dnsmasq 1 MiB name") }
        XCTAssertEqual(record.name.count, 1 << 20)
        guard case .query(let plain) = Parsing.results(.plain, [huge])[0] else { return XCTFail("plain 1 MiB") }
        XCTAssertEqual(plain.name.count, 1 << 20)
    }

    /// One answer per line, and every field range a query names lies inside its line.
    private func assertOneResultPerLineInBounds(_ kind: LogFormatKind, _ lines: [[UInt8]], _ results: [LogParse],
                                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(results.count, lines.count, "\(kind)", file: file, line: line)
        for (text, result) in zip(lines, results) {
            guard case .query(let record) = result else { continue }
            for range in [record.name, record.timestamp, record.client, record.qtype].compactMap({ $0 }) {
                XCTAssertTrue(range.lowerBound >= 0 && range.upperBound <= text.count, "\(kind): \(range) outside a line of \(text.count) bytes",
                              file: file, line: line)
            }
        }
    }

    func testEmptyLines() {
        for kind in LogFormatKind.allCases {
            XCTAssertEqual(Parsing.results(kind, [[], [UInt8(ascii: "\r")]]), [.noQuery, .noQuery], "\(kind)")
        }
    }
}
