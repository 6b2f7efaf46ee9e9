import Foundation
import XCTest

/// Several models in one run: `classify` gives each its columns (TSV) or its object (JSONL) in the order given,
/// each answer the same as that model's alone; `eval` scores each.
final class SeveralModelsCLITests: CLITestCase {
    func trainNamed(_ name: String, epochs: String) throws -> String {
        let model = directory + "/\(name)-file.dcm"
        let r = try domcat(["train", tinyCorpus(name: "\(name).tsv"), "--out", model, "--name", name,
                            "--bucket-bits", "12", "--dim", "8", "--epochs", epochs, "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return model
    }

    func testEachModelAddsItsColumnsInOrder() throws {
        let alpha = try trainNamed("alpha", epochs: "3"), beta = try trainNamed("beta", epochs: "1")
        let names = Data("ads7.adserv7.com\nwww.shop3.org\nlocalhost\n10.0.0.1\na..b\n".utf8)
        let one = lines(try domcat(["classify", alpha, "--quiet"], stdin: names).stdout)
        let other = lines(try domcat(["classify", beta, "--quiet"], stdin: names).stdout)
        let both = try domcat(["classify", alpha, beta], stdin: names)
        XCTAssertEqual(both.status, 0, both.stderr)
        let rows = lines(both.stdout)
        XCTAssertEqual(rows.count, 5, "one line out per line in")
        for i in 0..<2 {
            let a = one[i].split(separator: "\t"), b = other[i].split(separator: "\t")
            XCTAssertEqual(rows[i].split(separator: "\t").map(String.init), [a[0], a[1], a[2], b[1], b[2]].map(String.init))
        }
        XCTAssertEqual(Array(rows[2...]), Array(one[2...]), "markers and errors as with one model")
        XCTAssertTrue(both.stderr.contains("domcat: alpha: ") && both.stderr.contains("domcat: beta: "), both.stderr)

        let json = try domcat(["classify", alpha, beta, "--format", "jsonl", "--quiet"], stdin: names)
        let first = try JSONSerialization.jsonObject(with: Data(lines(json.stdout)[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["name"] as? String, "ads7.adserv7.com")
        XCTAssertEqual((first["alpha"] as? [String: Any])?["label"] as? String, String(one[0].split(separator: "\t")[1]))
        XCTAssertNotNil((first["beta"] as? [String: Any])?["top"] as? [Any])
        XCTAssertNil(first["label"], "with several models, no top-level label")

        let same = try domcat(["classify", alpha, alpha], stdin: names)
        XCTAssertEqual(same.status, 2, "two models named alike")
    }

    func testEvalScoresEachModel() throws {
        let alpha = try trainNamed("alpha", epochs: "3"), beta = try trainNamed("beta", epochs: "1")
        let test = tinyCorpus(30, name: "test.tsv")
        let r = try domcat(["eval", alpha, beta, test])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("== alpha") && r.stdout.contains("== beta"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "examples 90 ").count, 3, r.stdout)
        let json = try domcat(["eval", alpha, beta, test, "--json"])
        let reports = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(Set(reports?.keys ?? [:].keys), ["alpha", "beta"])
        XCTAssertEqual(try domcat(["eval", alpha]).status, 2, "a model and no test file")
    }

    /// A model trained with `--unknown-below-precision` answers `unknown` below the threshold it chose on the
    /// validation names; `--min-p` overrides it.
    func testModelThresholdChosenOnValidation() throws {
        let model = directory + "/t.dcm"
        var lines: [String] = []
        for i in 0..<300 { lines.append("name\(i).example\(i % 7).com\t\(["a", "b", "c"][i % 3])") }  // labels are noise
        let corpus = write("noise.tsv", lines.joined(separator: "\n") + "\n")
        let r = try domcat(["train", corpus, "--valid", corpus, "--out", model, "--unknown-below-precision", "0.99",
                            "--bucket-bits", "12", "--dim", "8", "--loss", "softmax", "--epochs", "2", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown below p"), r.stderr)
        let names = Data("fresh1.other.org\nfresh2.other.org\n".utf8)
        let out = try domcat(["classify", model, "--quiet"], stdin: names)
        XCTAssertTrue(self.lines(out.stdout).allSatisfy { $0.split(separator: "\t")[1] == "unknown" }, out.stdout)
        let forced = try domcat(["classify", model, "--min-p", "0", "--quiet"], stdin: names)
        XCTAssertFalse(self.lines(forced.stdout).contains { $0.split(separator: "\t")[1] == "unknown" }, forced.stdout)
        XCTAssertEqual(try domcat(["train", corpus, "--out", model, "--unknown-below-precision", "0.9"]).status, 2, "needs --valid")
    }
}
