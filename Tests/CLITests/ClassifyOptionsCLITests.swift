import Foundation
import XCTest

/// `classify --only`, `--min-p`, `--explain` and `--format annotate`, each checked against the plain
/// `classify` output of the same model and input.
final class ClassifyOptionsCLITests: CLITestCase {
    /// Names of each label, a name of no label's words, an IP, an error and a blank line.
    let input = ["ads77.adserv1.com", "TRACK5.pixel3.net.", "", "8.8.8.8", "www.shop9.org", "a..b", "zzz.qqq.xyz",
                 "ads3.adserv4.com", "https://track1.pixel0.net/p.gif", "www.shop150.org"]
    var stdin: Data { Data((input.joined(separator: "\n") + "\n").utf8) }
    static let markers: Set<String> = ["!ip", "!error", "!noquery"]

    /// The plain tsv answer to every input line.
    func plain(_ model: String) throws -> [String] {
        let r = try domcat(["classify", model, "--quiet"], stdin: stdin)
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, input.count, "one line out per line in")
        return out
    }

    func testOnlyPrintsTheChosenLabelsAndErrorsInOrder() throws {
        let model = try tinyLinearModel()
        let all = try plain(model)
        XCTAssertEqual(columns(all[0])[1], "ads")
        XCTAssertEqual(columns(all[1])[1], "tracking")
        XCTAssertEqual(columns(all[4])[1], "site")
        for labels in [["ads"], ["ads", "site"], ["tracking"]] {
            let r = try domcat(["classify", model, "--only", labels.joined(separator: ",")], stdin: stdin)
            XCTAssertEqual(r.status, 0, r.stderr)
            // The chosen labels' lines and the errors, as the plain run printed them; IPs and lines without a query left out.
            let expected = all.filter { labels.contains(columns($0)[1]) || columns($0)[1] == "!error" }
            XCTAssertEqual(lines(r.stdout), expected, "--only \(labels)")
            let classified = all.filter { !Self.markers.contains(columns($0)[1]) }.count
            let filtered = classified - expected.count + 1 + 1  // the rest, plus the IP
            XCTAssertTrue(r.stderr.contains("\(filtered) filtered out"), "\(labels): \(r.stderr)")
        }
        // Spaces around the names are allowed.
        let spaced = try domcat(["classify", model, "--only", "ads, site", "--quiet"], stdin: stdin)
        XCTAssertEqual(spaced.stdout, try domcat(["classify", model, "--only", "ads,site", "--quiet"], stdin: stdin).stdout)
    }

    func testOnlyWithALabelTheModelLacksIsAUsageError() throws {
        let model = try tinyLinearModel()
        let r = try domcat(["classify", model, "--only", "ads,nope,zzz"], stdin: stdin)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--only names labels no model has: nope, zzz"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testMinPAnswersUnknownBelowTheThreshold() throws {
        let model = try tinyLinearModel()
        let all = try plain(model)
        // Zero changes nothing.
        XCTAssertEqual(lines(try domcat(["classify", model, "--min-p", "0", "--quiet"], stdin: stdin).stdout), all)
        // Every line keeps its place; an answer below the threshold says `unknown` with its own p.
        for threshold in [0.5, 0.9, 0.99, 1.0] {
            let r = try domcat(["classify", model, "--min-p", String(threshold), "--quiet"], stdin: stdin)
            XCTAssertEqual(r.status, 0, r.stderr)
            let got = lines(r.stdout)
            XCTAssertEqual(got.count, all.count, "one line out per line in")
            for (line, before) in zip(got, all) {
                let c = columns(before)
                if Self.markers.contains(c[1]) || Double(c[2])! >= threshold - 0.00005 {
                    XCTAssertEqual(line, before)
                } else {
                    XCTAssertEqual(columns(line), [c[0], "unknown", c[2]], "--min-p \(threshold)")
                }
            }
        }
        // With --only, an unknown answer is none of the labels asked for.
        let only = try domcat(["classify", model, "--min-p", "1", "--only", "ads"], stdin: stdin)
        XCTAssertFalse(lines(only.stdout).contains { columns($0).count > 1 && columns($0)[1] == "unknown" }, only.stdout)
    }

    func testExplainAddsTheHeaviestTokensOfTheName() throws {
        let model = try tinyLinearModel()
        let all = try plain(model)
        let r = try domcat(["classify", model, "--explain", "--quiet"], stdin: stdin)
        XCTAssertEqual(r.status, 0, r.stderr)
        let explained = lines(r.stdout)
        XCTAssertEqual(explained.count, input.count)
        // The word tokens of every name, from `domcat tokens`.
        let tokenLines = lines(try domcat(["tokens", "--unlabelled", write("names.tsv", all.filter { !Self.markers.contains(columns($0)[1]) }
            .map { columns($0)[0] + "\tx" }.joined(separator: "\n") + "\n")]).stdout)
        var tokensOf: [String: [String]] = [:]
        for line in tokenLines {
            let words = line.split(separator: " ").map(String.init)
            tokensOf[words[0]] = words
        }
        for (line, plainLine) in zip(explained, all) {
            let c = columns(line), p = columns(plainLine)
            if Self.markers.contains(p[1]) { XCTAssertEqual(line, plainLine, "markers are unchanged"); continue }
            XCTAssertEqual(c.count, 4, line)
            XCTAssertEqual(Array(c.prefix(3)), p, "the first three columns are the plain answer")
            let pairs = c[3].split(separator: ",").map { pair -> (String, Double) in
                let parts = pair.split(separator: ":")
                return (String(parts[0]), Double(parts[1])!)
            }
            let tokens = try XCTUnwrap(tokensOf[p[0]], p[0])
            XCTAssertEqual(pairs.count, min(5, tokens.count), line)
            XCTAssertTrue(pairs.allSatisfy { tokens.contains($0.0) }, "\(line) vs \(tokens)")
            XCTAssertEqual(pairs.map(\.1), pairs.map(\.1).sorted(by: >), "heaviest first: \(line)")
            XCTAssertTrue(pairs.allSatisfy { (0...1).contains($0.1) }, line)
            let sum = pairs.reduce(0) { $0 + $1.1 }
            XCTAssertLessThanOrEqual(sum, 1.0005, line)
            if tokens.count <= 5 { XCTAssertEqual(sum, 1, accuracy: 0.0005, "all of the weight: \(line)") }
        }
        // jsonl: the same tokens and weights under "why".
        let json = try domcat(["classify", model, "--explain", "--format", "jsonl", "--quiet"], stdin: stdin)
        for (line, tsv) in zip(lines(json.stdout), explained) where columns(tsv).count == 4 {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let why = try XCTUnwrap(object["why"] as? [[String: Any]], line)
            let text = why.map { "\($0["token"] as! String):\(String(format: "%.4f", $0["weight"] as! Double))" }.joined(separator: ",")
            XCTAssertEqual(text, columns(tsv)[3])
        }
    }

    func testAnnotateAppendsTheAnswerToTheOriginalLine() throws {
        let model = try tinyLinearModel()
        let all = try plain(model)
        let r = try domcat(["classify", model, "--format", "annotate", "--quiet"], stdin: stdin)
        XCTAssertEqual(r.status, 0, r.stderr)
        let annotated = lines(r.stdout)
        XCTAssertEqual(annotated.count, input.count)
        for (i, line) in annotated.enumerated() {
            let c = columns(all[i])
            let expected: String = switch c[1] {
            case "!noquery": input[i]
            case "!ip": input[i] + " label=!ip"
            case "!error": input[i] + " label=!error reason=\"\(c[2])\""
            default: input[i] + " label=\(c[1]) p=\(c[2])"
            }
            XCTAssertEqual(line, expected)
        }
        XCTAssertEqual(annotated[1].prefix("TRACK5.pixel3.net. label=".count), "TRACK5.pixel3.net. label=", "the line as it came, case and dot")
    }

    func testAnnotateKeepsALogLineWhole() throws {
        let model = try tinyLinearModel()
        let log = [
            "Nov 23 15:55:53 dnsmasq[1]: query[A] ads77.adserv1.com from 127.0.0.2",
            "Nov 23 15:55:53 dnsmasq[1]: forwarded ads77.adserv1.com to 8.8.8.8",
            "Nov 23 15:55:54 dnsmasq[1]: query[AAAA] www.shop9.org from 127.0.0.3",
        ]
        let path = write("dnsmasq.log", log.joined(separator: "\n") + "\n")
        let tsv = lines(try domcat(["classify", model, "-i", path, "--quiet"]).stdout)
        XCTAssertEqual(tsv.count, 3)
        XCTAssertEqual(columns(tsv[0]).prefix(4), ["Nov 23 15:55:53", "127.0.0.2", "A", "ads77.adserv1.com"], "timestamp client qtype name")
        let r = try domcat(["classify", model, "-i", path, "--format", "annotate", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(lines(r.stdout), [
            log[0] + " label=\(columns(tsv[0])[4]) p=\(columns(tsv[0])[5])",
            log[1],
            log[2] + " label=\(columns(tsv[2])[4]) p=\(columns(tsv[2])[5])",
        ])
        // A TSV input keeps its TABs in annotate output.
        let table = write("t.tsv", "id\thost\n1\tads77.adserv1.com\n2\twww.shop9.org\n")
        let annotated = try domcat(["classify", model, "-i", table, "--input", "tsv", "--column", "host", "--format", "annotate", "--quiet"])
        XCTAssertEqual(annotated.status, 0, annotated.stderr)
        let out = lines(annotated.stdout)
        XCTAssertEqual(out.count, 3)
        XCTAssertTrue(out[1].hasPrefix("1\tads77.adserv1.com label=ads p="), out[1])
        XCTAssertTrue(out[2].hasPrefix("2\twww.shop9.org label=site p="), out[2])
    }
}
