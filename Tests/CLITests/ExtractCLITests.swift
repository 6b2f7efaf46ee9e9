import Foundation
import XCTest

/// `domcat extract`: the query names of any input, normalised (case, trailing dot, IDNA, a URL's host),
/// one output line per input line in order, without a model.
final class ExtractCLITests: CLITestCase {
    // The README's table of inputs, plus a blank line and a plain name.
    let input = ["Example.COM.", "https://ads.example.com/x.js", "bücher.de", "xn--bcher-kva.de", "10.0.0.1", "[2001:db8::1]",
                 "a..b", "", "www.x.org"]

    func testPlainNamesAreNormalisedOneLineOutPerLineIn() throws {
        let r = try domcat(["extract"], stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(lines(r.stdout), [
            "example.com",
            "ads.example.com",
            "xn--bcher-kva.de",
            "xn--bcher-kva.de",
            "10.0.0.1\t!ip\t-",
            "2001:db8::1\t!ip\t-",
            "a..b\t!error\tempty DNS label in name",
            "\t!noquery\t-",
            "www.x.org",
        ])
        XCTAssertTrue(r.stderr.contains("9 lines"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 without a query, 2 IP addresses, 1 errors"), r.stderr)
    }

    func testSkipNoQueryLeavesOutOnlyTheBlankLine() throws {
        let r = try domcat(["extract", "--skip-no-query", "--quiet"], stdin: Data((input.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(lines(r.stdout).count, input.count - 1)
        XCTAssertFalse(r.stdout.contains("!noquery"))
        XCTAssertEqual(r.stderr, "", "--quiet: no summary")
    }

    func testJSONLAndAnnotateFormats() throws {
        let stdin = Data((input.joined(separator: "\n") + "\n").utf8)
        let jsonl = try domcat(["extract", "--format", "jsonl", "--quiet"], stdin: stdin)
        XCTAssertEqual(jsonl.status, 0, jsonl.stderr)
        let objects = try lines(jsonl.stdout).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0) }
        XCTAssertEqual(objects.count, input.count)
        XCTAssertEqual(objects[0]["name"] as? String, "example.com")
        XCTAssertEqual(objects[2]["name"] as? String, "xn--bcher-kva.de")
        XCTAssertEqual(objects[4]["error"] as? String, "ip address")
        XCTAssertEqual(objects[6]["input"] as? String, "a..b")
        XCTAssertEqual(objects[6]["error"] as? String, "empty DNS label in name")
        XCTAssertEqual(objects[7]["noquery"] as? Bool, true)

        let annotate = try domcat(["extract", "--format", "annotate", "--quiet"], stdin: stdin)
        XCTAssertEqual(annotate.status, 0, annotate.stderr)
        XCTAssertEqual(lines(annotate.stdout), [
            "Example.COM. name=example.com",
            "https://ads.example.com/x.js name=ads.example.com",
            "bücher.de name=xn--bcher-kva.de",
            "xn--bcher-kva.de name=xn--bcher-kva.de",
            "10.0.0.1 label=!ip",
            "[2001:db8::1] label=!ip",
            "a..b label=!error reason=\"empty DNS label in name\"",
            "",
            "www.x.org name=www.x.org",
        ])
    }

    func testDnsmasqLogGivesTheLogFieldsAndTheName() throws {
        let log = write("dnsmasq.log", """
        Nov 23 15:55:53 dnsmasq[1]: query[A] Host1.Example.com from 127.0.0.2
        Nov 23 15:55:53 dnsmasq[1]: forwarded host1.example.com to 8.8.8.8
        Nov 23 15:55:54 dnsmasq[1]: query[AAAA] bücher.de from 127.0.0.3

        """)
        for detected in [["--input", "dnsmasq"], []] {
            let r = try domcat(["extract", "-i", log, "--quiet"] + detected)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(lines(r.stdout), [
                "Nov 23 15:55:53\t127.0.0.2\tA\thost1.example.com",
                "-\t-\t-\tNov 23 15:55:53 dnsmasq[1]: forwarded host1.example.com to 8.8.8.8\t!noquery\t-",
                "Nov 23 15:55:54\t127.0.0.3\tAAAA\txn--bcher-kva.de",
            ], "input \(detected)")
        }
        let skipped = try domcat(["extract", "-i", log, "--skip-no-query", "--quiet"])
        XCTAssertEqual(lines(skipped.stdout).map { columns($0)[3] }, ["host1.example.com", "xn--bcher-kva.de"])
    }

    func testManyLinesOnSeveralThreadsKeepTheirOrder() throws {
        let names = (0..<20_000).map { "Host\($0).Example\($0 % 7).COM." }
        let path = write("names.txt", names.joined(separator: "\n") + "\n")
        let r = try domcat(["extract", "-i", path, "--threads", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(lines(r.stdout), names.map { String($0.lowercased().dropLast()) })
    }

    func testZstdFileAndZstdStdin() throws {
        let zstd = "/usr/bin/zstd"
        guard FileManager.default.isExecutableFile(atPath: zstd) else { throw XCTSkip("zstd CLI not installed") }
        let names = (0..<5000).map { "n\($0).Example.org" }
        let path = write("names.txt", names.joined(separator: "\n") + "\n")
        let compress = Process()
        compress.executableURL = URL(fileURLWithPath: zstd)
        compress.arguments = ["-q", "-f", path]
        try compress.run()
        compress.waitUntilExit()
        XCTAssertEqual(compress.terminationStatus, 0)
        let expected = names.map { $0.lowercased() }
        let fromFile = try domcat(["extract", "-i", path + ".zst", "--quiet"])
        XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
        XCTAssertEqual(lines(fromFile.stdout), expected)
        let packed = try Data(contentsOf: URL(fileURLWithPath: path + ".zst"))
        let fromStdin = try domcat(["extract", "--zstd", "--quiet"], stdin: packed)
        XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
        XCTAssertEqual(lines(fromStdin.stdout), expected)
        // A cut .zst is unreadable input: exit 4 with the file named.
        let cut = write("cut.txt.zst", "")
        _ = FileManager.default.createFile(atPath: cut, contents: packed.prefix(packed.count / 2))
        let truncated = try domcat(["extract", "-i", cut, "--quiet"])
        XCTAssertEqual(truncated.status, 4, truncated.stderr)
        XCTAssertTrue(truncated.stderr.contains("cut.txt.zst"), truncated.stderr)
    }

    func testUsageAndInputErrors() throws {
        let unknown = try domcat(["extract", "--input", "bogus"], stdin: Data())
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("'bogus' is invalid for '--input"), unknown.stderr)
        let format = try domcat(["extract", "--format", "xml"], stdin: Data())
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("'xml' is invalid for '--format"), format.stderr)
        let missing = try domcat(["extract", "-i", directory + "/absent.log"])
        XCTAssertEqual(missing.status, 4)
        XCTAssertTrue(missing.stderr.contains("cannot open"), missing.stderr)
        XCTAssertEqual(missing.stdout, "")
    }
}
