import Foundation
import XCTest

/// `domcat registry` on real SQLite files: versions by lineage, promote and roll back, archive and gc, model
/// cards, comparisons; two processes at once and `kill -9` mid-command leave a sound index.
final class RegistryCLITests: CLITestCase {
    var registry: String { directory + "/registry" }

    func reg(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        try domcat(["registry"] + arguments, environment: ["DOMCAT_REGISTRY": registry, "USER": "tester"])
    }

    func ok(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try reg(arguments)
        XCTAssertEqual(r.status, 0, "\(arguments): \(r.stderr)", file: file, line: line)
        return r.stdout
    }

    func train(_ out: String, _ extra: [String], corpus: String? = nil) throws -> String {
        let path = directory + "/" + out
        let r = try domcat(["train", try corpus ?? tinyCorpus(), "--out", path, "--bucket-bits", "12", "--dim", "8", "--threads", "1"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
        return path
    }

    func testVersionsFollowTheLineageAndProductionRollsBack() throws {
        let a = try train("a.dcm", ["--epochs", "2"])
        let batch = write("batch.tsv", (0..<40).map { "game\($0).play\($0 % 3).net\tgames" }.joined(separator: "\n") + "\n")
        let continued = try train("b.dcm", ["--epochs", "2", "--init-model", a], corpus: batch)
        let resettled = try train("c.dcm", ["--epochs", "3"])
        let wider = try train("d.dcm", ["--epochs", "2", "--dim", "16"])

        XCTAssertTrue(try ok(["add", a, "--notes", "first"]).hasPrefix("1.0.0\t"))
        XCTAssertTrue(try ok(["add", continued]).hasPrefix("1.1.0\t"), "continued: new data")
        _ = try ok(["promote", "1.0.0"])
        XCTAssertTrue(try ok(["add", resettled]).hasPrefix("1.1.1\t"), "production's data, other settings")
        XCTAssertTrue(try ok(["add", wider]).hasPrefix("2.0.0\t"), "another feature space")
        XCTAssertEqual(try reg(["add", a]).status, 4, "a model registered twice")
        XCTAssertEqual(try reg(["add", wider, "--version", "2.0.0"]).status, 4)

        let list = try JSONSerialization.jsonObject(with: Data(try ok(["list", "--json"]).utf8)) as! [[String: String]]
        XCTAssertEqual(list.map { $0["version"]! }, ["1.0.0", "1.1.0", "1.1.1", "2.0.0"])
        XCTAssertEqual(list.filter { $0["production"] == "true" }.map { $0["version"]! }, ["1.0.0"])

        XCTAssertEqual(try reg(["rollback"]).status, 4, "nothing before the first production")
        _ = try ok(["promote", "1.1.0"])
        _ = try ok(["promote", "2.0.0"])
        XCTAssertEqual(try reg(["archive", "2.0.0"]).status, 4, "production cannot be archived")
        _ = try ok(["rollback"])
        XCTAssertTrue(try ok(["list"]).contains("* 1.1.0"))
        _ = try ok(["rollback"])
        XCTAssertTrue(try ok(["list"]).contains("* 1.0.0"))

        let card = try JSONSerialization.jsonObject(with: Data(try ok(["show", "1.1.0", "--json"]).utf8)) as! [String: Any]
        XCTAssertEqual(card["lineage"] as? [String], ["1.0.0"])
        XCTAssertEqual(card["labels"] as? [String], ["ads", "tracking", "site", "games"])
        XCTAssertEqual((card["promotions"] as? [[String: String]])?.first?["by"], "tester")
        XCTAssertTrue(try ok(["show"]).hasPrefix("a 1.0.0\n"), "production's card by default")
        XCTAssertTrue(try ok(["show", "1.0.0", "--md"]).contains("- **notes**: first"))

        _ = try ok(["archive", "1.1.1"])
        XCTAssertFalse(try ok(["list"]).contains("1.1.1"))
        XCTAssertTrue(try ok(["list", "--all"]).contains("1.1.1"))
        XCTAssertEqual(try reg(["promote", "1.1.1"]).status, 4, "archived versions are not promoted")

        // gc keeps the newest and every version production may roll back to (1.0.0 now; 1.1.0 and 2.0.0
        // were popped by the rollbacks).
        _ = try ok(["gc", "--keep", "1"])
        let left = try JSONSerialization.jsonObject(with: Data(try ok(["list", "--all", "--json"]).utf8)) as! [[String: String]]
        XCTAssertEqual(left.map { $0["version"]! }, ["1.0.0", "2.0.0"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: registry + "/models").sorted(), ["1.0.0.dcm", "2.0.0.dcm"])
        XCTAssertEqual(try ok(["check"]), "ok\n")

        // A file replaced behind the registry's back is refused, and `check` says which.
        try FileManager.default.removeItem(atPath: registry + "/models/2.0.0.dcm")
        try FileManager.default.copyItem(atPath: a, toPath: registry + "/models/2.0.0.dcm")
        let compare = try reg(["compare", "1.0.0", "2.0.0", tinyCorpus(30, name: "t.tsv")])
        XCTAssertNotEqual(compare.status, 0)
        XCTAssertTrue(compare.stderr.contains("replaced"), compare.stderr)
        let check = try reg(["check"])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("2.0.0"), check.stderr)
    }

    func testCompareReportsTheDifferenceItsIntervalAndMcNemar() throws {
        let weak = try train("weak.dcm", ["--epochs", "1", "--dim", "2", "--no-trained-names"])
        let strong = try train("strong.dcm", ["--epochs", "5", "--dim", "2", "--no-trained-names"])
        _ = try ok(["add", weak])
        _ = try ok(["add", strong])
        let test = tinyCorpus(300, name: "test.tsv")
        let report = try JSONSerialization.jsonObject(with: Data(try ok(["compare", "1.0.0", "1.0.1", test, "--json"]).utf8)) as! [String: Any]
        let a = report["a"] as! [String: Any], b = report["b"] as! [String: Any]
        let difference = report["accuracyDifference"] as! Double
        XCTAssertEqual(difference, (b["accuracy"] as! Double) - (a["accuracy"] as! Double), accuracy: 1e-12)
        let interval = report["accuracyInterval"] as! [Double]
        XCTAssertLessThanOrEqual(interval[0], difference)
        XCTAssertGreaterThanOrEqual(interval[1], difference)
        let onlyA = report["onlyA"] as! Int, onlyB = report["onlyB"] as! Int
        XCTAssertEqual(Double(onlyB - onlyA) / 900, difference, accuracy: 1e-12, "McNemar's counts are the accuracy difference")
        let p = report["mcNemarP"] as! Double
        let verdict = report["verdict"] as! String
        XCTAssertEqual(verdict, p < 0.05 ? (onlyB > onlyA ? "better" : "worse") : "no significant difference")
        XCTAssertTrue(try ok(["compare", "1.0.0", "1.0.0", test]).contains("verdict: B is no significant difference"))
    }

    /// Eight processes adding at once each get their own version; the index stays sound.
    func testConcurrentAddsGetDistinctVersions() throws {
        let models = try (0..<8).map { try train("m\($0).dcm", ["--epochs", "1", "--seed", "\($0 + 1)"]) }
        _ = try ok(["list"])  // the index exists before the race
        let results = UnsafeMutableBufferPointer<Int32>.allocate(capacity: models.count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: models.count) { i in
            results[i] = (try? self.reg(["add", models[i]]))?.status ?? -1
        }
        XCTAssertEqual(Array(results), Array(repeating: 0, count: models.count))
        let list = try JSONSerialization.jsonObject(with: Data(try ok(["list", "--json"]).utf8)) as! [[String: String]]
        XCTAssertEqual(Set(list.map { $0["version"]! }).count, models.count)
        XCTAssertEqual(try ok(["check"]), "ok\n")
    }

    /// `kill -9` at any moment of an add or a promote: afterwards the index passes SQLite's integrity check,
    /// names only files that are there and whole, and production is one of the versions.
    func testKillNineMidCommandLeavesTheIndexSound() throws {
        let big = try train("big.dcm", ["--epochs", "1", "--bucket-bits", "18", "--dim", "32"])  // a few MB to copy
        let small = try train("small.dcm", ["--epochs", "1"])
        _ = try ok(["add", small])
        var generator = SystemRandomNumberGenerator()
        for round in 0..<12 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = round % 3 == 2 ? ["registry", "promote", "1.0.0"] : ["registry", "add", big, "--bump", "patch"]
            process.environment = ["DOMCAT_REGISTRY": registry]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 1_000...60_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let check = try reg(["check"])
            XCTAssertEqual(check.status, 0, "round \(round): \(check.stderr)")
            let production = try reg(["show"])
            XCTAssertTrue(production.status == 0 || production.stderr.contains("nothing is in production"), production.stderr)
            _ = try? reg(["gc", "--keep", "0"])  // the big model may have landed: make room to add it again
        }
    }

    /// Start, score, status and stop: one experiment at a time, its arms kept from gc and archive, the winner
    /// promoted on request.
    func testExperimentLifecycle() throws {
        let weak = try train("weak.dcm", ["--epochs", "1", "--dim", "2", "--no-trained-names"])
        let strong = try train("strong.dcm", ["--epochs", "5", "--dim", "2", "--no-trained-names"])
        _ = try ok(["add", weak])
        _ = try ok(["add", strong])
        _ = try ok(["promote", "1.0.0"])
        XCTAssertEqual(try ok(["experiment", "start", "--control", "1.0.0", "--treatment", "1.0.1", "--shadow"]), "1\n")
        XCTAssertEqual(try reg(["experiment", "start", "--control", "1.0.0", "--treatment", "1.0.1", "--split", "0.1"]).status, 4,
                       "one experiment at a time")
        XCTAssertEqual(try reg(["archive", "1.0.1"]).status, 4, "an arm of a running experiment")
        _ = try ok(["gc", "--keep", "0"])
        XCTAssertTrue(try ok(["list"]).contains("1.0.1"), "gc keeps the arms")

        let test = tinyCorpus(300, name: "later.tsv")
        _ = try ok(["experiment", "score", test])
        _ = try ok(["experiment", "score", test])
        let status = try JSONSerialization.jsonObject(with: Data(try ok(["experiment", "status", "--json"]).utf8)) as! [String: Any]
        let control = status["control"] as! [String: Any], pairs = status["pairs"] as! [String: Int]
        XCTAssertEqual(control["examples"] as? Int, 1800, "two scorings of 900 names add up")
        XCTAssertEqual(pairs.values.reduce(0, +), 1800)
        XCTAssertEqual(status["test"] as? String, "McNemar exact")
        let recommendation = status["recommendation"] as! String
        let stopped = try ok(["experiment", "stop", "--promote-winner"])
        XCTAssertTrue(stopped.contains("recommendation: \(recommendation)"), stopped)
        XCTAssertTrue(try ok(["list"]).contains(recommendation == "PROMOTE" ? "* 1.0.1" : "* 1.0.0"))
        XCTAssertEqual(try reg(["experiment", "stop"]).status, 4, "nothing is running")

        _ = try ok(["experiment", "start", "--control", "1.0.0", "--treatment", "1.0.1", "--split", "0.5", "--unit", "name"])
        _ = try ok(["experiment", "score", test])
        let split = try JSONSerialization.jsonObject(with: Data(try ok(["experiment", "status", "--json"]).utf8)) as! [String: Any]
        let c = (split["control"] as! [String: Any])["examples"] as! Int, t = (split["treatment"] as! [String: Any])["examples"] as! Int
        XCTAssertEqual(c + t, 900, "each name scored by one arm")
        XCTAssertEqual(Double(t) / 900, 0.5, accuracy: 0.1)
        XCTAssertEqual(split["test"] as? String, "two-proportion z")
    }
}
