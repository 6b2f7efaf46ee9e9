import XCTest
import Streaming

/// Variants the fixtures do not show, one line each: other releases and
/// options of the same programs, and the non-query chatter around queries.
final class LogFormatLineTests: XCTestCase {
    private func query(_ kind: LogFormatKind, _ line: String, column: String? = nil) -> ParsedQuery? {
        Parsing.queries(kind, [Parsing.bytes(line)], column: column).first
    }

    private func result(_ kind: LogFormatKind, _ line: String) -> LogParse {
        Parsing.results(kind, [Parsing.bytes(line)]).first!
    }

    func testPlain() {
        XCTAssertEqual(query(.plain, "  Example.COM.\t")?.name, "Example.COM.")
        XCTAssertEqual(query(.plain, "https://ads.example.net/x?y=1")?.name, "https://ads.example.net/x?y=1")
        XCTAssertEqual(result(.plain, "   "), .noQuery)
        XCTAssertEqual(result(.plain, "# comment"), .noQuery)
        XCTAssertEqual(result(.plain, "   # indented comment"), .noQuery)
    }

    func testDnsmasqChatterAndVariants() {
        for line in [
            "Nov 23 15:44:18 dnsmasq[9152]: forwarded example.com to 192.0.2.53",
            "Nov 23 15:44:18 dnsmasq[9152]: reply example.com is 93.184.216.34",
            "Nov 23 15:44:18 dnsmasq[9152]: cached example.com is <CNAME>",
            "Nov 23 15:44:18 dnsmasq[9152]: config example.com is NXDOMAIN",
            "Nov 23 15:44:18 dnsmasq[9152]: 7 127.0.0.1/4000 reply example.com is 93.184.216.34",
            "Nov 23 15:44:18 dnsmasq[9152]: dnssec-query[DS] com to 192.0.2.53",
            "Nov 23 15:44:18 dnsmasq[9152]: started, version 2.90 cachesize 150",
        ] {
            XCTAssertEqual(result(.dnsmasq, line), .noQuery, line)
        }
        XCTAssertEqual(query(.dnsmasq, "Nov  3 01:02:03 gw dnsmasq[1]: query[type=65] example.com from 10.0.0.7"),
                       ParsedQuery(name: "example.com", timestamp: "Nov  3 01:02:03", client: "10.0.0.7", qtype: "type=65"))
        XCTAssertEqual(query(.dnsmasq, "dnsmasq: auth[AAAA] www.example.com from fe80::1"),
                       ParsedQuery(name: "www.example.com", timestamp: nil, client: "fe80::1", qtype: "AAAA"))
        XCTAssertEqual(query(.dnsmasq, "2026-11-23T15:44:18.123456+00:00 gw dnsmasq[9]: query[A] a.example from 10.0.0.1")?.timestamp,
                       "2026-11-23T15:44:18.123456+00:00")
        if case .malformed = result(.dnsmasq, "Nov 23 15:44:20 dnsmasq[9152]: query[A] <name unprintable> from 127.0.0.1") {} else {
            XCTFail("an unprintable name is no name")
        }
    }

    func testUnboundVariants() {
        XCTAssertEqual(query(.unbound, "Nov 23 15:54:43 host unbound: [21740:0] info: ::1 example.com. AAAA IN"),
                       ParsedQuery(name: "example.com.", timestamp: "Nov 23 15:54:43", client: "::1", qtype: "AAAA"))
        XCTAssertEqual(query(.unbound, "[1716199200] unbound[7:0] query: 10.0.0.2 example.com. TXT IN")?.name, "example.com.")
        XCTAssertEqual(result(.unbound, "[1716199200] unbound[7:0] reply: 10.0.0.2 example.com. TXT IN NOERROR 0.1 0 60"), .noQuery)
        XCTAssertEqual(result(.unbound, "[1716199200] unbound[7:0] info: 10.0.0.2 example.com. A IN NOERROR 0.000000 1 60"), .noQuery)
        XCTAssertEqual(result(.unbound, "[1716199200] unbound[7:0] info: service stopped (unbound 1.17.1)."), .noQuery)
        XCTAssertEqual(result(.unbound, "[1716199200] unbound[7:0] info: example.com. static 10.0.0.2@5353 example.com. A IN"), .noQuery)
    }

    func testBindVariants() {
        XCTAssertEqual(query(.bind, "client 10.0.0.2#5353 (example.com): query: example.com IN A + (10.0.0.1)"),
                       ParsedQuery(name: "example.com", timestamp: nil, client: "10.0.0.2", qtype: "A"))
        XCTAssertEqual(query(.bind, "client @0x7f0 10.0.0.2#5353 (example.com): view internal: query: example.com IN MX +E(0) (10.0.0.1)")?.qtype, "MX")
        XCTAssertEqual(query(.bind, "Nov 23 15:54:46 ns1 named[812]: client @0x7f0 10.0.0.2#5353 (a.example): query: a.example IN A + (10.0.0.1)")?.timestamp,
                       "Nov 23 15:54:46")
        XCTAssertEqual(result(.bind, "client @0x7f0 10.0.0.2#5353 (a.example): query failed (SERVFAIL) for a.example/IN/A at query.c:7236"), .noQuery)
        XCTAssertEqual(result(.bind, "client @0x7f0 10.0.0.2#5353 (a.example): query (cache) 'a.example/A/IN' denied"), .noQuery)
    }

    func testTsharkFieldsHeaderPicksTheColumns() {
        let lines = ["dns.qry.name\tip.src\tframe.time_epoch", "example.com\t10.0.0.2\t1716199200.5"].map(Parsing.bytes)
        XCTAssertEqual(Parsing.queries(.tsharkFields, lines), [ParsedQuery(name: "example.com", timestamp: "1716199200.5", client: "10.0.0.2", qtype: nil)])
        XCTAssertEqual(query(.tsharkFields, "1716199200.5\t\texample.com\t28")?.client, nil, "IPv6 packets leave ip.src empty")
    }

    func testTsharkJSONLinesFromDashTJson() {
        let line = #"{"_index":"packets-2026-11-23","_source":{"layers":{"frame.time_epoch":["1716199200.5"],"ip.src":["10.0.0.2"],"dns.qry.name":["example.com"],"dns.qry.type":["1"],"dns.flags.response":["0"]}}}"#
        XCTAssertEqual(query(.tsharkJSON, line), ParsedQuery(name: "example.com", timestamp: "1716199200.5", client: "10.0.0.2", qtype: "1"))
    }

    func testTcpdumpVariants() {
        XCTAssertEqual(query(.tcpdump, "2026-11-23 15:54:38.843491 IP6 ::1.51121 > ::1.53: 16383+ PTR? 1.0.0.127.in-addr.arpa. (40)"),
                       ParsedQuery(name: "1.0.0.127.in-addr.arpa.", timestamp: "2026-11-23 15:54:38.843491", client: "::1", qtype: "PTR"))
        XCTAssertEqual(result(.tcpdump, "15:54:39.337546 IP 127.0.0.1.53 > 127.0.0.1.44472: 52616 NXDomain 0/0/1 (48)"), .noQuery)
        XCTAssertEqual(result(.tcpdump, "15:54:39.054861 IP 127.0.0.1.53 > 127.0.0.1.36220: 10908* 1/0/1 TXT \"why?\" (64)"), .noQuery)
        XCTAssertEqual(result(.tcpdump, "15:44:20.462377 IP 127.0.0.1.53575 > 127.0.0.1.52644: UDP, length 56"), .noQuery)
    }

    func testZeekWithoutHeaderUsesTheDefaultColumns() {
        let line = "1716199200.5\tC1\t10.0.0.2\t5353\t10.0.0.1\t53\tudp\t7\t-\texample.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tF\t0\t-\t-\tF"
        XCTAssertEqual(query(.zeek, line), ParsedQuery(name: "example.com", timestamp: "1716199200.5", client: "10.0.0.2", qtype: "A"))
        XCTAssertEqual(result(.zeek, line.replacingOccurrences(of: "example.com", with: "-")), .noQuery)
    }

    func testCSVAndTSVColumns() {
        let csv = ["time,client,\"qname\"", "1,10.0.0.2,\"example.com\"", "2,10.0.0.3,  other.example  ", "3,10.0.0.4,\"a,b\"", "4,10.0.0.5,"].map(Parsing.bytes)
        XCTAssertEqual(Parsing.queries(.csv, csv, column: "QName").map(\.name), ["example.com", "other.example", "a,b"])
        XCTAssertEqual(Parsing.queries(.csv, csv).map(\.name), ["example.com", "other.example", "a,b"], "qname is a known domain column")
        XCTAssertEqual(Parsing.queries(.csv, Array(csv.dropFirst()), column: "2").map(\.name), ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"])
        XCTAssertEqual(Parsing.queries(.tsv, ["example.com\tads", "other.example\tnews"].map(Parsing.bytes)).map(\.name), ["example.com", "other.example"])
        XCTAssertEqual(Parsing.queries(.tsv, ["label\tdomain", "ads\texample.com"].map(Parsing.bytes)).map(\.name), ["example.com"])
        if case .malformed = Parsing.results(.csv, ["a,b", "c,d"].map(Parsing.bytes), column: "domain")[0] {} else { XCTFail("missing header column") }
        if case .malformed = Parsing.results(.csv, ["x,\"unterminated"].map(Parsing.bytes), column: "2")[0] {} else { XCTFail("open quote") }
        if case .malformed = Parsing.results(.csv, ["x"].map(Parsing.bytes), column: "2")[0] {} else { XCTFail("missing column") }
    }

    func testDetectOnOtherInputs() {
        XCTAssertEqual(Parsing.detect(["example.com", "ads.example.net", "", "xn--bcher-kva.example"].map(Parsing.bytes)), .plain)
        XCTAssertEqual(Parsing.detect(["domain,label", "example.com,news"].map(Parsing.bytes)), .csv)
        XCTAssertEqual(Parsing.detect(["label\tqname", "news\texample.com"].map(Parsing.bytes)), .tsv)
        XCTAssertEqual(Parsing.detect(["example.com,news", "other.example,ads"].map(Parsing.bytes)), .plain)
        XCTAssertEqual(Parsing.detect([]), .plain)
    }

    /// A Zeek log names its columns: one row without a query (`-`) among the first rows made tshark-fields
    /// (whose default third column is this log's id.resp_h) find one query more, and every line came out `!ip`.
    func testDetectFollowsAZeekOrTsharkHeader() {
        var zeek = ["#separator \\x09", "#fields\tts\tid.orig_h\tid.resp_h\tquery\tqtype_name", "#types\ttime\taddr\taddr\tstring\tstring"]
        for i in 0..<6 { zeek.append("1795449356.78\(i)\t10.0.0.2\t10.0.0.1\t\(i == 2 ? "-" : "host\(i).example.com")\tA") }
        XCTAssertEqual(Parsing.detect(zeek.map(Parsing.bytes)), .zeek)
        XCTAssertEqual(Parsing.queries(.zeek, zeek.map(Parsing.bytes)).map(\.name), [0, 1, 3, 4, 5].map { "host\($0).example.com" })

        let tshark = ["dns.qry.name\tframe.time_epoch", "-\t1716199200.1", "example.com\t1716199200.2"]
        XCTAssertEqual(Parsing.detect(tshark.map(Parsing.bytes)), .tsharkFields)
    }

    /// One line that one log format reads as a query does not make a list of names that format.
    func testDetectIsNotDecidedByOneOddRow() {
        var lines = (0..<10).map { "www.site\($0).example.com" }
        lines.insert("client @0x7f0 10.0.0.2#5353 (a.example): query: a.example IN A + (10.0.0.1)", at: 3)
        XCTAssertEqual(Parsing.detect(lines.map(Parsing.bytes)), .plain)
    }
}
