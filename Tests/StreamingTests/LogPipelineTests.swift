import DomainKit
import Foundation
import Learners
import Lines
import Streaming
import XCTest

/// Real DNS server logs through the whole classify pipeline (format detection, two workers, output order).
final class LogPipelineTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "test\narpa\nin-addr.arpa\nde\ncom\n")

    func model() -> LinearModel {
        var p = LinearParams()
        p.bucketBits = 10
        p.dimension = 4
        return LinearModel(labels: ["ads", "site"], params: p, suffixes: suffixes)
    }

    /// The name column of the TSV output, after the log-field columns.
    func classifiedNames(_ input: [UInt8], threads: Int) throws -> (names: [String], lines: [String]) {
        let directory = NSTemporaryDirectory() + "domcat-logs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/in", contents: Data(input))
        var options = ClassifyOptions()
        options.threads = threads
        options.passNoQuery = false
        let fd = open(directory + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try ClassifyPipeline(models: [ClassifyModel(name: "m", classifier: model(), digest: "test")], options: options).run([LineReader.open(path: directory + "/in")], sink: OutputSink(fd: fd))
        close(fd)
        let lines = String(decoding: FileManager.default.contents(atPath: directory + "/out")!, as: UTF8.self)
            .split(separator: "\n").map(String.init)
        return (lines.map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[3]) }, lines)
    }

    func expectedNames() throws -> [String] {
        try LogFixtures.queriedNames().map { name in
            var n = name.lowercased()
            if n.hasSuffix(".") { n.removeLast() }
            return n
        }
    }

    func testEveryServerLogGivesTheQueriedNamesInOrder() throws {
        let expected = try expectedNames()
        for fixture in ["dnsmasq.log", "dnsmasq-extra.log", "unbound.log", "bind-query.log", "tshark-fields.tsv",
                        "tshark-ek.jsonl", "tcpdump.txt", "zeek-dns.log", "zeek-dns.json"] {
            let input: [UInt8] = try LogFixtures.lines(fixture).flatMap { $0 + [UInt8(0x0A)] }
            for threads in [1, 2] {
                var names = try classifiedNames(input, threads: threads).names
                names = LogFixtures.droppingProbes(names) ?? names
                XCTAssertEqual(names, expected, "\(fixture), \(threads) threads")
            }
        }
    }

    /// One spelling of query types whatever the log wrote (tshark and Zeek's `qtype` give numbers, dnsmasq
    /// `type=N`), and a query for the root zone marked as such, its name `.`, not an error with the whole line.
    func testQueryTypesAreNamesAndTheRootIsMarked() throws {
        let tshark = try LogFixtures.lines("tshark-fields.tsv").flatMap { $0 + [UInt8(0x0A)] }
        let qtypes = try classifiedNames(tshark, threads: 1).lines.map { String($0.split(separator: "\t")[2]) }
        XCTAssertTrue(qtypes.contains("A") && qtypes.contains("AAAA") && qtypes.contains("MX"), "\(qtypes)")
        XCTAssertFalse(qtypes.contains { $0.allSatisfy(\.isNumber) }, "\(qtypes)")

        let dnsmasq = ["Nov 23 15:44:18 gw dnsmasq[1]: query[type=65] example.com from 10.0.0.7",
                       "Nov 23 15:44:19 gw dnsmasq[1]: query[type=4242] example.com from 10.0.0.7",
                       "Nov 23 15:44:20 gw dnsmasq[1]: query[NS] . from 10.0.0.7"]
        let lines = try classifiedNames(Array(dnsmasq.map { $0 + "\n" }.joined().utf8), threads: 1).lines
        XCTAssertEqual(lines.map { String($0.split(separator: "\t")[2]) }, ["HTTPS", "TYPE4242", "NS"])
        XCTAssertEqual(lines[2], "Nov 23 15:44:20\t10.0.0.7\tNS\t.\t!root\t-")
    }

    /// Many batches of a Zeek log: workers that never saw the #fields line still read its columns.
    func testHeaderFormatsAcrossManyBatchesAndThreads() throws {
        let lines = try LogFixtures.lines("zeek-dns.log")
        let header = lines.prefix { $0.first == UInt8(ascii: "#") }
        let body = lines.dropFirst(header.count).filter { $0.first != UInt8(ascii: "#") }
        var input: [UInt8] = header.flatMap { $0 + [UInt8(0x0A)] }
        var expected: [String] = []
        let bodyNames = Parsing.queries(.zeek, Array(header) + body).map { $0.name.lowercased() }
        for _ in 0..<2_000 {
            input += body.flatMap { $0 + [UInt8(0x0A)] }
            expected += bodyNames
        }
        let names = try classifiedNames(input, threads: 2).names.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
        XCTAssertEqual(names.count, expected.count)
        XCTAssertEqual(names, expected.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 })
    }
}
