import Foundation
import XCTest

/// `domcat tune` on small corpora with small budgets: the same seed gives the same trials, the budget
/// stops the search, every trial is logged (JSONL and the registry's index), `--resume` takes the logged
/// trials instead of training them again, and the chosen parameters land in the model header.
final class TuneCLITests: CLITestCase {
    /// Three labels whose names differ in shape, and names of one shape labelled at random (so no choice scores
    /// 1 and choices differ); train and valid apart (other numbers, other registrable names).
    func corpora(_ count: Int = 150) -> (train: String, valid: String) {
        func lines(_ range: Range<Int>) -> String {
            range.flatMap { i in ["ads\(i).adserv\(i % 9).com\tads", "track\(i).pixel\(i % 8).net\ttracking", "www.shop\(i).org\tsite",
                                  "cdn\(i).host\(i % 5).io\t\(["ads", "tracking", "site"][(i * 7 + i / 3) % 3])"] }
                .joined(separator: "\n") + "\n"
        }
        return (write("train.tsv", lines(0..<count)), write("valid.tsv", lines(10_000..<10_000 + count / 5)))
    }

    struct Search {
        var table: [[String]]
        var trials: [[String: Any]]
        var identity: [String: Any]
    }

    func tune(_ extra: [String], out: String = "best.dcm", file: StaticString = #filePath, line: UInt = #line) throws -> (Result, Search?) {
        let (train, valid) = corpora()
        let r = try domcat(["tune", train, "--valid", valid, "--out", directory + "/" + out] + extra)
        guard r.status == 0 else { return (r, nil) }
        let log = try String(contentsOfFile: directory + "/" + out.replacingOccurrences(of: ".dcm", with: ".trials.jsonl"), encoding: .utf8)
        let objects = try log.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let table = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        return (r, Search(table: table, trials: objects.dropFirst().map { $0["trial"] as! [String: Any] },
                          identity: objects.first?["search"] as? [String: Any] ?? [:]))
    }

    /// Trial number → (parameters, valid accuracy, valid macro-F1) of the trials that finished.
    func finished(_ search: Search) -> [Int: String] {
        var byNumber: [Int: String] = [:]
        for t in search.trials where t["status"] as? String == "done" {
            let parameters = try! JSONSerialization.data(withJSONObject: t["parameters"]!, options: .sortedKeys)
            byNumber[t["trial"] as! Int] = "\(String(decoding: parameters, as: UTF8.self)) \(t["validAccuracy"]!) \(t["validMacroF1"]!) \(t["fraction"]!)"
        }
        return byNumber
    }

    func testTheSameSeedGivesTheSameTrialsAndScores() throws {
        let (r1, a) = try tune(["--budget", "10s", "--seed", "7"], out: "a.dcm")
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let (r2, b) = try tune(["--budget", "10s", "--seed", "7"], out: "b.dcm")
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let (first, second) = (finished(a!), finished(b!))
        let both = Set(first.keys).intersection(second.keys)
        XCTAssertGreaterThanOrEqual(both.count, 2, "both runs finish trials 0… within their budget: \(first) \(second)")
        for n in both { XCTAssertEqual(first[n], second[n], "trial \(n)") }
        XCTAssertEqual(a!.identity["seed"] as? Int, 7)

        let (r3, c) = try tune(["--budget", "5s", "--seed", "8"], out: "c.dcm")
        XCTAssertEqual(r3.status, 0, r3.stderr)
        let drawn = { (s: Search) in s.trials.filter { $0["trial"] as? Int == 1 }.map { "\($0["parameters"]!)" } }
        XCTAssertNotEqual(drawn(a!), drawn(c!), "another seed draws other choices")
    }

    func testEveryTrialIsLoggedAndTheTableMatchesTheLog() throws {
        let (r, s) = try tune(["--budget", "10s"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let search = try XCTUnwrap(s)
        XCTAssertEqual(search.identity["kind"] as? String, "linear")
        XCTAssertEqual(search.identity["metric"] as? String, "macro-f1")
        XCTAssertEqual(search.trials.map { $0["trial"] as! Int }.sorted(), Array(0..<search.trials.count), "each trial once, numbered from 0")
        XCTAssertEqual(search.table.count, search.trials.count)
        XCTAssertEqual(search.table.filter { $0[0].hasPrefix("*") }.count, 1, "one best")
        let zero = try XCTUnwrap(search.trials.first { $0["trial"] as? Int == 0 })
        XCTAssertEqual(zero["fraction"] as? Double, 1, "trial 0: the defaults on every training name")
        XCTAssertEqual((zero["parameters"] as? [String: Any])?["epochs"] as? Int, 25)
        for t in search.trials {
            XCTAssertTrue(["done", "cut", "failed"].contains(t["status"] as! String))
            if t["status"] as? String == "done" { XCTAssertNotNil(t["validMacroF1"] as? Double) } else { XCTAssertNil(t["validMacroF1"]) }
        }
        XCTAssertFalse(r.stderr.contains("\u{1B}["), "no progress line when stderr is not a terminal")
        XCTAssertTrue(r.stderr.contains("final training on all 600 examples"), r.stderr)
    }

    func testTheBudgetCutsTrialsThatWouldRunPastIt() throws {
        // 60,000 names: trial 0 (25 epochs over all of them, on one core of a debug build) cannot end within an 8 s
        // budget and is cut there.
        let names = (0..<20_000).flatMap { i in ["ads\(i).adserv\(i % 9).com\tads", "track\(i).pixel\(i % 8).net\ttracking", "www.shop\(i).org\tsite"] }
        let train = write("big.tsv", names.joined(separator: "\n") + "\n")
        let (_, valid) = corpora()
        let out = directory + "/big.dcm"
        let r = try domcat(["tune", train, "--valid", valid, "--budget", "8s", "--out", out])
        let log = try String(contentsOfFile: directory + "/big.trials.jsonl", encoding: .utf8)
        let trials = try log.split(separator: "\n").dropFirst().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: [String: Any]] }
        let zero = try XCTUnwrap(trials.first { $0["trial"]?["trial"] as? Int == 0 }?["trial"])
        XCTAssertEqual(zero["status"] as? String, "cut")
        if r.status == 0 {
            let tuning = try XCTUnwrap(try header(out)["tuning"] as? [String: Any])
            XCTAssertEqual(tuning["budgetSeconds"] as? Double, 8)
            XCTAssertNotEqual(tuning["bestTrial"] as? Int, 0, "trial 0 was cut, so another is the best")
        } else {
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("no trial finished within the 8 s budget"), r.stderr)
        }
    }

    func testResumeTakesTheLoggedTrialsAndRefusesAnotherSearch() throws {
        let (r1, first) = try tune(["--budget", "8s"])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let done = finished(first!)
        XCTAssertFalse(done.isEmpty)

        let again = try domcat(["tune", directory + "/train.tsv", "--valid", directory + "/valid.tsv", "--out", directory + "/best2.dcm",
                                "--trials", directory + "/best.trials.jsonl", "--budget", "3s"])
        XCTAssertEqual(again.status, 2, "an existing log is not overwritten without --resume")
        XCTAssertTrue(again.stderr.contains("--resume"), again.stderr)

        let resumed = try domcat(["tune", directory + "/train.tsv", "--valid", directory + "/valid.tsv", "--out", directory + "/best2.dcm",
                                  "--trials", directory + "/best.trials.jsonl", "--budget", "8s", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let fromLog = resumed.stdout.split(separator: "\n").filter { $0.contains("\tdone (log)\t") }
            .map { Int($0.split(separator: "\t")[0].trimmingCharacters(in: CharacterSet(charactersIn: "*")))! }
        XCTAssertEqual(Set(fromLog), Set(done.keys), "every finished trial comes from the log")
        let log = try String(contentsOfFile: directory + "/best.trials.jsonl", encoding: .utf8)
        let numbers = log.split(separator: "\n").dropFirst().map { line -> Int in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: [String: Any]]
            return object["trial"]!["trial"] as! Int
        }
        for n in done.keys { XCTAssertEqual(numbers.filter { $0 == n }.count, 1, "trial \(n) logged once") }
        XCTAssertTrue(resumed.stderr.contains("resuming: \(first!.trials.count) trial(s)"), resumed.stderr)

        let other = try domcat(["tune", directory + "/train.tsv", "--valid", directory + "/valid.tsv", "--out", directory + "/best3.dcm",
                                "--trials", directory + "/best.trials.jsonl", "--budget", "3s", "--resume", "--seed", "9"])
        XCTAssertEqual(other.status, 4)
        XCTAssertTrue(other.stderr.contains("the log of another search"), other.stderr)
    }

    func testTheChosenParametersLandInTheHeaderTheRegistryAndAContinuation() throws {
        let registry = directory + "/registry"
        let (train, valid) = corpora()
        let first = directory + "/first.dcm"
        XCTAssertEqual(try domcat(["train", train, "--out", first, "--epochs", "2"]).status, 0)
        XCTAssertEqual(try domcat(["registry", "add", first, "--registry", registry]).status, 0)

        let out = directory + "/tuned.dcm"
        let r = try domcat(["tune", train, "--valid", valid, "--budget", "10s", "--out", out, "--registry", registry, "--seed", "5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("registered as 1.0.1"), "the best model as a patch version: \(r.stderr)")
        let h = try header(out)
        let tuning = try XCTUnwrap(h["tuning"] as? [String: Any])
        XCTAssertEqual(tuning["metric"] as? String, "macro-f1")
        XCTAssertEqual(tuning["seed"] as? Int, 5)
        let best = tuning["bestTrial"] as! Int
        let log = try String(contentsOfFile: directory + "/tuned.trials.jsonl", encoding: .utf8)
        let winner = try XCTUnwrap(log.split(separator: "\n").dropFirst().compactMap { line -> [String: Any]? in
            let t = (try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: [String: Any]])["trial"]!
            return t["trial"] as? Int == best ? t : nil
        }.last)
        let chosen = winner["parameters"] as! [String: Any]
        let parameters = try XCTUnwrap(h["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["epochs"] as? Int, chosen["epochs"] as? Int)
        XCTAssertEqual(parameters["bucketBits"] as? Int, chosen["bucketBits"] as? Int)
        XCTAssertEqual((parameters["learningRate"] as? Double).map { Float($0) }, (chosen["learningRate"] as? Double).map { Float($0) })
        XCTAssertEqual(tuning["bestScore"] as? Double, winner["score"] as? Double)

        // The registry: the card shows those parameters; every trial is in its index.
        let card = try JSONSerialization.jsonObject(with: Data(try domcat(["registry", "show", "1.0.1", "--json", "--registry", registry]).stdout.utf8)) as! [String: Any]
        XCTAssertEqual((card["parameters"] as? [String: Any])?["epochs"] as? Int, chosen["epochs"] as? Int)
        let indexed = try domcat(["registry", "tuning", "--json", "--registry", registry])
        XCTAssertEqual(indexed.status, 0, indexed.stderr)
        XCTAssertEqual(indexed.stdout.split(separator: "\n").count, log.split(separator: "\n").count - 1, "every trial in the index")

        // Continuing the tuned model without --epochs / --lr keeps its own.
        let continued = directory + "/continued.dcm"
        let batch = write("batch.tsv", (0..<30).map { "game\($0).play\($0 % 3).net\tgames" }.joined(separator: "\n") + "\n")
        XCTAssertEqual(try domcat(["train", batch, "--init-model", out, "--out", continued]).status, 0)
        let next = try XCTUnwrap(try header(continued)["parameters"] as? [String: Any])
        XCTAssertEqual(next["epochs"] as? Int, chosen["epochs"] as? Int)
        XCTAssertEqual(next["learningRate"] as? Double, parameters["learningRate"] as? Double)
    }
}
