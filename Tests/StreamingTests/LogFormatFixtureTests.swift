import XCTest
@testable import Streaming

/// Every fixture written by a real DNS server or capture tool: the names
/// extracted, in order, are the names dig queried. Each format logs a query
/// once (dnsmasq's `config`/`reply` lines, unbound's reply lines, and the
/// response packets of the captures are recognised and skipped).
final class LogFormatFixtureTests: XCTestCase {
    /// Server logs start with the script's readiness probe(s); captures start after them.
    private func assertNames(_ kind: LogFormatKind, _ fixture: String, serverLog: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        var names = Parsing.queries(kind, try LogFixtures.lines(fixture)).map(\.name).withoutTrailingDots
        if serverLog {
            names = try XCTUnwrap(LogFixtures.droppingProbes(names), "\(fixture) starts with the readiness probe", file: file, line: line)
        }
        XCTAssertEqual(names, try LogFixtures.queriedNames(), fixture, file: file, line: line)
        XCTAssertEqual(Parsing.detect(try LogFixtures.lines(fixture)), kind, "detect \(fixture)", file: file, line: line)
    }

    func testQueriedNamesListCoversTheHardCases() throws {
        let names = try LogFixtures.queriedNames()
        XCTAssertTrue(names.contains("xn--bcher-kva.domcat.test"))
        XCTAssertTrue(names.contains("_sip._tcp.domcat.test"))
        XCTAssertTrue(names.contains("10.2.0.192.in-addr.arpa"))
        XCTAssertTrue(names.contains { $0.split(separator: ".").contains { $0.utf8.count == 63 } })
        let typed = try LogFixtures.lines("queried-names.txt").map { String(decoding: $0, as: UTF8.self) }
        XCTAssertTrue(typed.contains("A\tbücher.domcat.test\txn--bcher-kva.domcat.test"), "the Unicode IDN went out as punycode")
    }

    func testDnsmasq() throws {
        try assertNames(.dnsmasq, "dnsmasq.log")
        try assertNames(.dnsmasq, "dnsmasq-extra.log")
    }

    func testUnbound() throws {
        try assertNames(.unbound, "unbound.log")
    }

    func testBind() throws {
        try assertNames(.bind, "bind-query.log")
        try assertNames(.bind, "bind-query-bare.log")
    }

    func testTshark() throws {
        try assertNames(.tsharkFields, "tshark-fields.tsv", serverLog: false)
        try assertNames(.tsharkJSON, "tshark-ek.jsonl", serverLog: false)
        try assertNames(.tsharkJSON, "tshark-ek-fields.jsonl", serverLog: false)
    }

    func testTcpdump() throws {
        try assertNames(.tcpdump, "tcpdump.txt", serverLog: false)
    }

    func testZeek() throws {
        try assertNames(.zeek, "zeek-dns.log", serverLog: false)
        try assertNames(.zeekJSON, "zeek-dns.json", serverLog: false)
    }

    func testEveryNonQueryLineIsRecognisedNotMalformed() throws {
        let fixtures: [(LogFormatKind, String)] = [
            (.dnsmasq, "dnsmasq.log"), (.dnsmasq, "dnsmasq-extra.log"), (.unbound, "unbound.log"), (.bind, "bind-query.log"),
            (.bind, "bind-query-bare.log"), (.tsharkFields, "tshark-fields.tsv"), (.tsharkJSON, "tshark-ek.jsonl"),
            (.tsharkJSON, "tshark-ek-fields.jsonl"), (.tcpdump, "tcpdump.txt"), (.zeek, "zeek-dns.log"), (.zeekJSON, "zeek-dns.json"),
        ]
        for (kind, fixture) in fixtures {
            let malformed = Parsing.results(kind, try LogFixtures.lines(fixture)).filter { if case .malformed = $0 { return true } else { return false } }
            XCTAssertEqual(malformed, [], fixture)
        }
    }

    func testFieldsOfTheFirstQuery() throws {
        func first(_ kind: LogFormatKind, _ fixture: String) throws -> ParsedQuery? {
            Parsing.queries(kind, try LogFixtures.lines(fixture)).first { $0.name.hasPrefix("www.") }
        }
        let dnsmasq = try XCTUnwrap(first(.dnsmasq, "dnsmasq.log"))
        XCTAssertEqual(dnsmasq.client, "127.0.0.1")
        XCTAssertEqual(dnsmasq.qtype, "A")
        XCTAssertEqual(dnsmasq.timestamp?.count, 15)
        XCTAssertEqual(try first(.dnsmasq, "dnsmasq-extra.log")?.client, "127.0.0.1")

        let unbound = try XCTUnwrap(first(.unbound, "unbound.log"))
        XCTAssertEqual(unbound.name, "www.domcat.test.")
        XCTAssertEqual(unbound.client, "127.0.0.1")
        XCTAssertEqual(unbound.qtype, "A")
        XCTAssertTrue(unbound.timestamp?.allSatisfy(\.isNumber) == true, "\(unbound)")

        let bind = try XCTUnwrap(first(.bind, "bind-query.log"))
        XCTAssertEqual(bind.client, "127.0.0.1")
        XCTAssertEqual(bind.qtype, "A")
        XCTAssertEqual(bind.timestamp?.count, "23-Nov-2026 15:54:46.569".count)
        XCTAssertNil(try first(.bind, "bind-query-bare.log")?.timestamp)

        for (kind, fixture) in [(LogFormatKind.tsharkFields, "tshark-fields.tsv"), (.tsharkJSON, "tshark-ek.jsonl"), (.tsharkJSON, "tshark-ek-fields.jsonl")] {
            let query = try XCTUnwrap(first(kind, fixture))
            XCTAssertEqual(query.client, "127.0.0.1", fixture)
            XCTAssertEqual(query.qtype, "1", fixture)
            XCTAssertTrue(query.timestamp?.hasPrefix("17") == true, "\(fixture): \(query)")
        }

        let tcpdump = try XCTUnwrap(first(.tcpdump, "tcpdump.txt"))
        XCTAssertEqual(tcpdump.client, "127.0.0.1")
        XCTAssertEqual(tcpdump.qtype, "A")
        XCTAssertEqual(tcpdump.timestamp?.count, "15:54:38.843491".count)

        for (kind, fixture) in [(LogFormatKind.zeek, "zeek-dns.log"), (.zeekJSON, "zeek-dns.json")] {
            let query = try XCTUnwrap(first(kind, fixture))
            XCTAssertEqual(query.client, "127.0.0.1", fixture)
            XCTAssertEqual(query.qtype, "A", fixture)
            XCTAssertTrue(query.timestamp?.hasPrefix("17") == true, fixture)
        }
    }
}
