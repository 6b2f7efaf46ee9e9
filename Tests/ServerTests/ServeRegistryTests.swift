import Cache
import DomainKit
import Foundation
import Logging
import ModelStore
import Registry
import Server
import TestSupport
import XCTest

/// `serve --registry`: the production version is served and followed (promote, rollback, a Redis
/// announcement), experiments route and tally, and `/feedback` scores — with real SQLite, sockets and Redis.
final class ServeRegistryTests: XCTestCase {
    /// A registry with two tiny models: 1.0.0 answers ads/news, 1.0.1 spam/press (so every answer shows who gave it).
    private func makeRegistry() throws -> (directory: String, registry: ModelRegistry) {
        let folder = try temporaryDirectory()
        let a = folder.appendingPathComponent("a.dcm").path, b = folder.appendingPathComponent("b.dcm").path
        try TinyModel.write(to: a, seed: 1, name: "m")
        try TinyModel.write(to: b, seed: 2, labels: ["spam", "press"], name: "m")
        let directory = folder.appendingPathComponent("registry").path
        let registry = try ModelRegistry(directory: directory)
        try registry.add(path: a, version: SemanticVersion("1.0.0"), suffixes: TinyModel.suffixes)
        try registry.add(path: b, version: SemanticVersion("1.0.1"), suffixes: TinyModel.suffixes)
        try registry.promote("1.0.0")
        return (directory, registry)
    }

    private func config(_ directory: String, poll: Duration = .milliseconds(50), adjust: (inout RegistryFollowing) -> Void = { _ in }) -> ServeConfig {
        var config = serveConfig(modelPaths: [])
        config.lineFormat = .jsonl
        var following = RegistryFollowing(directory: directory)
        following.pollInterval = poll
        following.flushInterval = .milliseconds(100)
        adjust(&following)
        config.registry = following
        return config
    }

    private func version(_ line: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["version"] as? String
    }

    /// Seconds until `server` answers `name` with `version`, asking every 10 ms (nil after 5 s).
    private func secondsUntil(_ server: Server, answers version: String, name: String = "ads0.tracker.com") throws -> Double? {
        let client = try LineClient(port: server.linePort)
        let start = Date()
        while Date().timeIntervalSince(start) < 5 {
            if let line = client.roundTrip([name]).first, self.version(line) == version { return Date().timeIntervalSince(start) }
            usleep(10_000)
        }
        return nil
    }

    func testFollowsPromoteAndRollbackWithoutAFailedRequest() throws {
        let (directory, registry) = try makeRegistry()
        let log = LogCapture()
        var config = config(directory)
        config.logger = log.logger
        let server = try Server(config: config)
        defer { server.shutdown() }
        XCTAssertEqual(server.serving.models[0].version, "1.0.0")
        let first = server.serving.models[0].model.classifier

        // Load on two connections for the whole test: every request must get its answer.
        let names = TinyModel.names(20, tag: "load")
        let stop = ManagedAtomicFlag()
        let failures = Counter(), answered = Counter(), seen = VersionSet()
        let group = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                guard let client = try? LineClient(port: server.linePort) else { return failures.add(1) }
                while !stop.isSet {
                    let lines = client.roundTrip(names)
                    if lines.count != names.count { failures.add(1); return }
                    for line in lines {
                        guard let version = self.version(line), line.contains("\"label\"") else { failures.add(1); continue }
                        seen.insert(version)
                    }
                    answered.add(lines.count)
                }
            }
        }
        // The newest registered version is loaded before anyone promotes it.
        for _ in 0..<100 where !log.all.contains(where: { $0.contains("1.0.1 loaded ahead of its promotion") }) { usleep(20_000) }
        XCTAssertTrue(log.all.contains { $0.contains("1.0.1 loaded ahead of its promotion") }, "\(log.all)")
        try registry.promote("1.0.1")
        // How soon is a benchmark's figure (bench/registry-switch.sh); here: it happens, under load.
        XCTAssertNotNil(try secondsUntil(server, answers: "1.0.1"))
        try registry.rollback()
        XCTAssertNotNil(try secondsUntil(server, answers: "1.0.0"))
        XCTAssertTrue(server.serving.models[0].model.classifier === first, "the rollback's model was kept loaded, not read again")
        usleep(200_000)
        stop.set()
        group.wait()
        XCTAssertEqual(failures.value, 0)
        XCTAssertGreaterThan(answered.value, 0)
        XCTAssertEqual(seen.all, ["1.0.0", "1.0.1"])

        // The version is in HTTP answers, /health and /metrics too.
        let (status, body) = try httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"ads2.tracker.com\"}")
        XCTAssertEqual(status, 200)
        XCTAssertTrue(body.contains("\"version\":\"1.0.0\""), body)
        XCTAssertTrue(try httpRequest(port: server.httpPort, method: "GET", path: "/health").1.contains("\"version\":\"1.0.0\""))
        XCTAssertTrue(server.metricsText().contains("registry_version=\"1.0.0\""), server.metricsText())
    }

    func testAnnouncementOnRedisSwitchesAServerWhoseIndexCopyIsStale() throws {
        let redis = try RedisProcess()
        let (directory, registry) = try makeRegistry()
        // Another machine's copy of the folder: the model files, and an index that will not see the promotion.
        let copy = directory + "-copy"
        try FileManager.default.copyItem(atPath: directory, toPath: copy)
        var config = config(copy, poll: .seconds(60))
        config.redis = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 500)
        let server = try Server(config: config)
        defer { server.shutdown() }
        usleep(300_000)  // subscribed
        try registry.promote("1.0.1")
        let publisher = RedisConnection(settings: config.redis!, health: RedisHealth(endpoint: config.redis!.endpoint, logger: Logger(label: "test")))
        XCTAssertEqual(publisher.command(["PUBLISH", "domcat:registry", try registry.servingState().announcement()]), "1")
        XCTAssertNotNil(try secondsUntil(server, answers: "1.0.1"), "the 60 s poll cannot have done it")
        // A stale or foreign message changes nothing.
        XCTAssertEqual(publisher.command(["PUBLISH", "domcat:registry", "not a state"]), "1")
        var old = try registry.servingState()
        old.sequence = 1
        old.production = .init(version: "1.0.0", digest: try registry.model("1.0.0").digest)
        XCTAssertEqual(publisher.command(["PUBLISH", "domcat:registry", old.announcement()]), "1")
        usleep(300_000)
        XCTAssertEqual(server.serving.models[0].version, "1.0.1")
    }

    func testSplitExperimentGivesEachUnitOneArmAndTalliesBoth() throws {
        let (directory, registry) = try makeRegistry()
        let experiment = try registry.startExperiment(control: "1.0.0", treatment: "1.0.1", mode: .split, share: 0.5, unit: .name, minimumEffect: 0.05)
        let server = try Server(config: config(directory))
        let names = TinyModel.names(200, tag: "split")
        let client = try LineClient(port: server.linePort)
        var counts = [String: Int]()
        for round in 0..<2 {  // the second round from the LRUs, on the event loop
            let lines = client.roundTrip(names)
            XCTAssertEqual(lines.count, names.count)
            for (name, line) in zip(names, lines) {
                let expected = experiment.arm(forUnitKey: name) == .treatment ? "1.0.1" : "1.0.0"
                XCTAssertEqual(version(line), expected, "round \(round): \(line)")
                // The treatment answers with its own labels.
                XCTAssertTrue(line.contains(expected == "1.0.1" ? "\"label\":\"spam\"" : "\"label\":\"ads\"")
                              || line.contains(expected == "1.0.1" ? "\"label\":\"press\"" : "\"label\":\"news\""), line)
                if round == 0 { counts[expected, default: 0] += 1 }
            }
        }
        XCTAssertGreaterThan(counts["1.0.1"] ?? 0, 60)
        XCTAssertGreaterThan(counts["1.0.0"] ?? 0, 60)
        // Tagged lines too (new names: the worker path; then the same again: the LRU path).
        let tagged = TinyModel.names(10, tag: "tagged")
        var taggedTreated = 0
        for _ in 0..<2 {
            let replies = client.roundTrip(tagged.enumerated().map { "@\($0)\t\($1)" })
            XCTAssertEqual(replies.count, tagged.count)
            for reply in replies {
                let parts = reply.split(separator: "\t", maxSplits: 1)
                let name = tagged[Int(parts[0].dropFirst())!]
                let expected = experiment.arm(forUnitKey: name) == .treatment ? "1.0.1" : "1.0.0"
                XCTAssertEqual(version(String(parts[1])), expected, reply)
                if expected == "1.0.1" { taggedTreated += 1 }
            }
        }
        // HTTP routes the same way; feedback is scored by the arm that answered.
        let one = names.first { experiment.arm(forUnitKey: $0) == .treatment }!
        let (_, predicted) = try httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"\(one)\"}")
        XCTAssertTrue(predicted.contains("\"version\":\"1.0.1\""), predicted)
        let (status, scored) = try httpRequest(port: server.httpPort, method: "POST", path: "/feedback", body: "{\"domain\":\"\(one)\",\"label\":\"spam\"}")
        XCTAssertEqual(status, 200, scored)
        XCTAssertTrue(scored.contains("\"arm\":\"treatment\""), scored)
        let control = names.first { experiment.arm(forUnitKey: $0) == .control && $0.hasPrefix("ads") }!
        _ = try httpRequest(port: server.httpPort, method: "POST", path: "/feedback", body: "{\"domain\":\"\(control)\",\"label\":\"ads\"}")
        XCTAssertEqual(try httpRequest(port: server.httpPort, method: "POST", path: "/feedback", body: "{\"label\":\"x\"}").0, 400)
        server.shutdown()  // writes the last tallies

        let status2 = try registry.experimentStatus(try registry.experiment(experiment.id))
        let live = try XCTUnwrap(status2.live)
        XCTAssertEqual(live.control.names + live.treatment.names, 2 * names.count + 2 * tagged.count + 1)
        XCTAssertEqual(live.treatment.names, 2 * counts["1.0.1"]! + taggedTreated + 1)
        XCTAssertEqual(Set(live.treatment.labels.map(\.label)), ["spam", "press"])
        XCTAssertNotNil(live.control.latencySeconds?.p99)
        XCTAssertEqual(status2.treatment.examples, 1)
        XCTAssertEqual(status2.control.examples, 1)
        XCTAssertEqual(status2.control.correct, 1)
    }

    func testShadowAnswersWithTheControlAndScoresTheTreatmentOffThePath() throws {
        let (directory, registry) = try makeRegistry()
        let experiment = try registry.startExperiment(control: "1.0.0", treatment: "1.0.1", mode: .shadow, share: 1, unit: .registrable, minimumEffect: 0.05)
        let server = try Server(config: config(directory) { $0.shadowSample = 1 })
        let names = TinyModel.names(100, tag: "shadow")
        let lines = try LineClient(port: server.linePort).roundTrip(names)
        XCTAssertEqual(lines.compactMap(version), Array(repeating: "1.0.0", count: names.count))
        let (_, scored) = try httpRequest(port: server.httpPort, method: "POST", path: "/feedback", body: "{\"domain\":\"ads0.tracker.com\",\"label\":\"ads\"}")
        XCTAssertTrue(scored.contains("\"correct\":true"), scored)
        usleep(300_000)  // the shadow thread has the names
        server.shutdown()

        let status = try registry.experimentStatus(try registry.experiment(experiment.id))
        let shadow = try XCTUnwrap(status.live?.shadow)
        XCTAssertEqual(shadow.scored + shadow.dropped, names.count)
        XCTAssertEqual(shadow.disagreed, shadow.scored)  // other labels: every answer differs
        XCTAssertEqual(Set(shadow.flows.map { "\($0.control)→\($0.treatment)" }).isSubset(of: ["ads→spam", "ads→press", "news→spam", "news→press"]), true)
        // Feedback in shadow mode is paired: both arms scored on the one name.
        XCTAssertEqual(status.pairs?.total, 1)
        XCTAssertEqual(status.pairs?.onlyControl, 1)
    }

    func testAPromotedFileThatIsNotTheOneRegisteredLeavesTheOldVersionServing() throws {
        let (directory, registry) = try makeRegistry()
        let log = LogCapture()
        var config = config(directory) { $0.preloadLatest = false }
        config.logger = log.logger
        let server = try Server(config: config)
        defer { server.shutdown() }
        // 1.0.1's file replaced behind the registry's back: a corrupt copy, then a foreign model.
        let file = ModelRegistry.file(of: "1.0.1", in: directory)
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: file))
        try registry.promote("1.0.1")
        for _ in 0..<100 where !log.all.contains(where: { $0.contains("cannot serve") }) { usleep(20_000) }
        XCTAssertTrue(log.all.contains { $0.contains("cannot serve") && $0.contains("still serving") }, "\(log.all)")
        XCTAssertEqual(try LineClient(port: server.linePort).roundTrip(["ads0.tracker.com"]).first.flatMap(version), "1.0.0")
        try TinyModel.write(to: file, seed: 9, name: "m")
        if case .success = server.reload() { XCTFail("a file with another SHA-256 than the one registered was served") }
        XCTAssertEqual(server.serving.models[0].version, "1.0.0")
        XCTAssertTrue(log.all.contains { $0.contains("registered as") }, "\(log.all)")
    }

    func testARegistryWithNothingInProductionIsAClearError() throws {
        let directory = try temporaryDirectory().appendingPathComponent("empty").path
        _ = try ModelRegistry(directory: directory)
        XCTAssertThrowsError(try Server(config: config(directory))) { error in
            XCTAssertTrue("\(error)".contains("no version in production"), "\(error)")
        }
    }
}

/// Small thread-safe tallies for the load threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

private final class VersionSet: @unchecked Sendable {
    private let lock = NSLock()
    private var versions: Set<String> = []
    func insert(_ v: String) { lock.lock(); versions.insert(v); lock.unlock() }
    var all: Set<String> { lock.lock(); defer { lock.unlock() }; return versions }
}

private final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
