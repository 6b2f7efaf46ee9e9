import Foundation
import TestSupport
import XCTest

/// `domcat retrain` on a real registry: it waits for enough new data, trains and compares a candidate on
/// the files' test parts, promotes only a significantly better one, records every cycle, runs the hook,
/// serves its metrics, and leaves production alone when a cycle fails or is killed.
final class RetrainCLITests: CLITestCase {
    var registry: String { directory + "/registry" }
    var incoming: String { directory + "/incoming" }

    func run(_ arguments: [String]) throws -> Result {
        try domcat(arguments, environment: ["DOMCAT_REGISTRY": registry])
    }

    /// `count` names per label from `shapes` (one per label: ads, tracking, site; `#` is the number), numbered
    /// from `from`; `noise` gives them labels unrelated to their shape.
    func corpus(_ name: String, count: Int, from: Int = 0, noise: Bool = false,
                shapes: [String] = ["adserver.banners#.com", "pixel.metrics#.net", "www.shop#.org"]) -> String {
        let labels = ["ads", "tracking", "site"]
        var lines: [String] = []
        for i in from..<(from + count) {
            // The number is in the registrable name, so the split rule puts every label in every part.
            for (k, shape) in shapes.enumerated() {
                lines.append(shape.replacingOccurrences(of: "#", with: "\(i)") + "\t" + (noise ? labels[(i * 7 + k) % 3] : labels[k]))
            }
        }
        try? FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
        let path = incoming + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return path
    }

    /// Names production never learnt: their only words are new, under one TLD.
    let newShapes = ["doubleclk#.com", "beacon#.com", "boutique#.com"]

    func runs() throws -> [[String: Any]] {
        let r = try run(["registry", "runs", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [[String: Any]]
    }

    func production() throws -> String { try run(["registry", "show", "--json"]).stdout }

    func startProduction() throws {
        let base = corpus("0-base.tsv", count: 60)
        let model = directory + "/production.dcm"
        // A weak first model: two numbers per name, one epoch.
        XCTAssertEqual(try domcat(["train", base, "--out", model, "--bucket-bits", "10", "--dim", "2", "--epochs", "1", "--threads", "1",
                                   "--no-trained-names"]).status, 0)
        XCTAssertEqual(try run(["registry", "add", model, "--trained-on", base]).status, 0)
        XCTAssertEqual(try run(["registry", "promote", "1.0.0"]).status, 0)
    }

    func testWaitsThenPromotesABetterCandidateAndRunsTheHook() throws {
        try startProduction()
        _ = corpus("1-small.tsv", count: 3, from: 1000)  // 5% of production's examples
        let waiting = try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"])
        XCTAssertEqual(waiting.status, 0, waiting.stderr)
        XCTAssertEqual(try runs().first?["decision"] as? String, "waiting")

        _ = corpus("2-big.tsv", count: 600, from: 2000, shapes: newShapes)
        let hook = directory + "/promoted.txt"
        let cycle = try run(["retrain", "--once", "--incoming", incoming, "--threads", "1", "--on-promote", "echo $DOMCAT_VERSION > \(hook)"])
        XCTAssertEqual(cycle.status, 0, cycle.stderr)
        let last = try runs()[0]
        XCTAssertEqual(last["decision"] as? String, "promoted", "\(last)")
        XCTAssertEqual(last["candidate"] as? String, "1.1.0")
        XCTAssertEqual(last["newExamples"] as? Int, 3 * 603)
        let comparison = try XCTUnwrap(last["comparison"] as? [String: Any])
        XCTAssertLessThan(comparison["mcNemarP"] as! Double, 0.05)
        XCTAssertTrue(try production().contains("\"version\" : \"1.1.0\""))
        XCTAssertEqual(try String(contentsOfFile: hook, encoding: .utf8), "1.1.0\n")

        // Nothing new since: waiting, production unchanged.
        XCTAssertEqual(try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"]).status, 0)
        XCTAssertEqual(try runs()[0]["decision"] as? String, "waiting")
    }

    func testANoisyBatchIsArchivedAndAFailedCycleLeavesProduction() throws {
        try startProduction()
        _ = corpus("1-big.tsv", count: 600, from: 2000, shapes: newShapes)
        XCTAssertEqual(try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"]).status, 0)
        XCTAssertEqual(try runs()[0]["decision"] as? String, "promoted")

        _ = corpus("2-noise.tsv", count: 400, from: 5000, noise: true, shapes: ["alpha#.com", "beta#.com", "gamma#.com"])
        XCTAssertEqual(try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"]).status, 0)
        let archived = try runs()[0]
        XCTAssertEqual(archived["decision"] as? String, "archived", "\(archived)")
        XCTAssertTrue(try production().contains("\"version\" : \"1.1.0\""))
        XCTAssertTrue(try run(["registry", "list", "--all"]).stdout.contains("1.2.0\t"), "the candidate is kept, archived")
        // The same files again make no new candidate.
        XCTAssertEqual(try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"]).status, 0)
        XCTAssertEqual(try runs()[0]["decision"] as? String, "waiting")

        // A file that is not a corpus: the cycle fails, says why, exits 1; production stays.
        FileManager.default.createFile(atPath: incoming + "/3-broken.tsv", contents: Data("no tab here\n".utf8))
        let failed = try run(["retrain", "--once", "--incoming", incoming, "--threads", "1"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(try runs()[0]["decision"] as? String, "failed")
        XCTAssertTrue(try production().contains("\"version\" : \"1.1.0\""))
    }

    func testAKilledCycleIsMarkedInterruptedAndMetricsAreServed() throws {
        try startProduction()
        _ = corpus("1-big.tsv", count: 3000, from: 2000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["retrain", "--once", "--incoming", incoming, "--threads", "1"]
        process.environment = ["DOMCAT_REGISTRY": registry]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed while it trains: the run row exists and says running.
        var started = false
        for _ in 0..<200 where !started {
            usleep(20_000)
            started = (try? runs().first?["decision"] as? String) == "running"
        }
        XCTAssertTrue(started)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(try production().contains("\"version\" : \"1.0.0\""))
        XCTAssertEqual(try run(["registry", "check"]).status, 0)

        let port = freePort()
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: Self.binary)
        daemon.arguments = ["retrain", "--every", "1h", "--incoming", incoming, "--threads", "1", "--growth", "100", "--metrics", "127.0.0.1:\(port)"]
        daemon.environment = ["DOMCAT_REGISTRY": registry]
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        var text = ""
        for _ in 0..<100 where !text.contains("decision=\"waiting\"} 1") {
            usleep(50_000)
            text = loopbackGet(port: port, path: "/metrics") ?? ""
        }
        XCTAssertTrue(text.contains("domcat_retrain_runs_total{decision=\"interrupted\"} 1"), text)
        XCTAssertTrue(text.contains("domcat_retrain_runs_total{decision=\"waiting\"} 1"), text)
        XCTAssertTrue(text.contains("domcat_retrain_production_info{version=\"1.0.0\"} 1"), text)
    }
}
