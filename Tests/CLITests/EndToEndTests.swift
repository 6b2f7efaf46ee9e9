import DomainKit
import Foundation
import XCTest

final class EndToEndTests: CLITestCase {
    /// A small labelled corpus the test writes itself.
    func smallCorpus() -> String {
        var lines: [String] = []
        for i in 0..<300 {
            lines.append("ads\(i).adserv\(i % 9).com\tads")
            lines.append("track\(i).pixel\(i % 8).net\ttracking")
            lines.append("www.shop\(i).org\tsite")
        }
        lines.append("this line has no tab")
        lines.append("bad..name\tads")
        return write("corpus.tsv", lines.joined(separator: "\n") + "\n")
    }

    func testTrainClassifyEvalAndContinue() throws {
        let corpus = smallCorpus()
        let model = directory + "/m.dcm"
        let train = try domcat(["train", corpus, "--out", model, "--bucket-bits", "16", "--dim", "16", "--epochs", "10", "--valid", corpus])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("corpus.tsv:901: no TAB"), train.stderr)
        XCTAssertTrue(train.stderr.contains("corpus.tsv:902: empty DNS label in name"), train.stderr)
        XCTAssertTrue(train.stderr.contains("2 bad lines skipped"), train.stderr)

        let names = "ads77.adserv1.com\nTRACK5.pixel3.net.\n\n8.8.8.8\n"
        let out = try domcat(["classify", model], stdin: Data(names.utf8))
        XCTAssertEqual(out.status, 0, out.stderr)
        let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[0].hasPrefix("ads77.adserv1.com\tads\t"), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("track5.pixel3.net\ttracking\t"), String(lines[1]))
        XCTAssertEqual(lines[3], "8.8.8.8\t!ip\t-")

        let eval = try domcat(["eval", model, corpus, "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as! [String: Any]
        XCTAssertGreaterThan(report["accuracy"] as! Double, 0.95)

        // A second batch with a new label, continuing the first model.
        var more: [String] = []
        for i in 0..<300 { more.append("news\(i).daily\(i % 7).info\tnews") }
        for i in 0..<100 { more.append("ads\(i).adserv\(i % 9).com\tads") }
        let batch2 = write("batch2.tsv", more.joined(separator: "\n") + "\n")
        let model2 = directory + "/m2.dcm"
        let cont = try domcat(["train", batch2, "--init-model", model, "--out", model2, "--epochs", "10"])
        XCTAssertEqual(cont.status, 0, cont.stderr)
        XCTAssertTrue(cont.stderr.contains("new labels join the model: news"), cont.stderr)
        let after = try domcat(["classify", model2], stdin: Data("news4242.daily3.info\n".utf8))
        XCTAssertTrue(after.stdout.hasPrefix("news4242.daily3.info\tnews\t"), after.stdout)
    }

    func testClearErrorsAndExitCodes() throws {
        let bad = write("bad.dcm", "definitely not a model")
        let r1 = try domcat(["classify", bad], stdin: Data("a.com\n".utf8))
        XCTAssertEqual(r1.status, 3)
        XCTAssertTrue(r1.stderr.contains("not a domcat model"), r1.stderr)
        let r2 = try domcat(["classify", directory + "/none.dcm"])
        XCTAssertEqual(r2.status, 3)
        XCTAssertTrue(r2.stderr.contains("no such file"), r2.stderr)
        let r3 = try domcat(["train", directory + "/missing.tsv", "--out", directory + "/x.dcm"])
        XCTAssertEqual(r3.status, 4)
        XCTAssertTrue(r3.stderr.contains("cannot open"), r3.stderr)
    }

    /// Every usage error exits 2 with a message naming the option, before any work starts (an out-of-range
    /// thread count used to hang).
    func testUsageErrorsExitTwo() throws {
        let names = Data("a.com\n".utf8)
        let cases: [([String], String)] = [
            (["classify", "--threads", "100000"], "--threads"),
            (["classify", "--threads", "0"], "--threads"),
            (["classify", "--k", "0"], "--k"),
            (["classify", "--min-p", "2"], "--min-p"),
            (["classify", "--format", "xml"], "--format"),
            (["classify", "--input", "syslog"], "--input"),
            (["classify", "--nope"], "--nope"),
            (["classify", "--redis", "http://x"], "--redis"),
            (["train", "--kind", "svm", "x.tsv", "--out", "x.dcm"], "--kind"),
            (["train", "x.tsv"], "--out"),
            (["train", "x.tsv", "--out", "x.dcm", "--embeddings", "glove"], "--embeddings"),
            (["serve", "--workers", "0"], "--workers"),
            (["serve", "--event-loops", "1000"], "--event-loops"),
            (["serve", "--lru-entries", "-1"], "--lru-entries"),
            (["serve", "--format", "annotate"], "--format"),
            (["serve", "--idle-timeout", "0"], "--idle-timeout"),
            (["serve", "--idle-timeout", "100000"], "--idle-timeout"),
            (["serve", "--max-connections", "0"], "--max-connections"),
            (["bench", "--line", "127.0.0.1:1", "--keys", "pareto"], "--keys"),
            (["bench", "--line", "127.0.0.1:1", "--connections", "0"], "--connections"),
            (["bench"], "--line"),
        ]
        for (arguments, option) in cases {
            let r = try domcat(arguments, stdin: names)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(option), "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(arguments)")
        }
        XCTAssertEqual(try domcat(["classify", "--help"]).status, 0)
    }

    func testClosingStdoutEarlyExitsQuietly() throws {
        let corpus = smallCorpus()
        let model = directory + "/m.dcm"
        XCTAssertEqual(try domcat(["train", corpus, "--out", model, "--bucket-bits", "14", "--dim", "8", "--epochs", "2"]).status, 0)
        let names = write("names.txt", (0..<300_000).map { "n\($0).example.com" }.joined(separator: "\n"))
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", "set -o pipefail; '\(Self.binary)' classify '\(model)' -i '\(names)' | head -n 3 >/dev/null; echo ${PIPESTATUS[0]}"]
        let out = Pipe(), err = Pipe()
        shell.standardOutput = out
        shell.standardError = err
        try shell.run()
        shell.waitUntilExit()
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "0\n")
        XCTAssertEqual(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "")
    }

    func testSplitFollowsTheCorpusRule() throws {
        let path = Self.corpora + "/v2fly/v2fly-2025-08-20.tsv.zst"
        guard FileManager.default.fileExists(atPath: "/usr/share/publicsuffix/public_suffix_list.dat") else { throw XCTSkip("publicsuffix not installed") }
        let r = try domcat(["split", path, "--out", directory + "/split"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Recompute the rule independently: FNV-1a 64 of the eTLD+1, % 10.
        let suffixes = try PublicSuffixList()
        var total = 0
        for part in ["train", "valid", "test"] {
            let text = try String(contentsOfFile: directory + "/split/\(part).tsv", encoding: .utf8)
            for line in text.split(separator: "\n") {
                let name = String(line.split(separator: "\t")[0])
                let key = suffixes.registrableDomain(name) ?? name
                let expected = switch FNV1a64.hash(key) % 10 { case 0: "test"; case 1: "valid"; default: "train" }
                XCTAssertEqual(expected, part, name)
                total += 1
            }
        }
        XCTAssertEqual(total, 13_917)
        XCTAssertTrue(r.stderr.contains("train 1"), r.stderr)
    }
}
