import Cache
import DomainKit
import Foundation
import ModelStore
import Server
import TestSupport
import XCTest

/// `serve` with several models, as `classify`: each model's columns (line) and object under its name (HTTP)
/// are what that model says served alone; reload swaps the whole set or nothing.
final class ServeModelsTests: XCTestCase {
    /// Two tiny models named by their files (`a`, `b`), with other labels and seeds so their columns differ.
    private struct Pair {
        let directory: URL
        var a: String { directory.appendingPathComponent("a.dcm").path }
        var b: String { directory.appendingPathComponent("b.dcm").path }

        init() throws { directory = try temporaryDirectory() }

        @discardableResult
        func write(seed: UInt64) throws -> (Model, Model) {
            (try TinyModel.write(to: a, seed: seed), try TinyModel.write(to: b, seed: seed + 100, labels: ["spam", "press"]))
        }
    }

    /// What the line protocol says for `name` with every model of `models`: classify's several-model TSV.
    private func expectedLine(_ name: String, _ models: [Model]) -> String {
        ([name] + models.flatMap { TinyModel.expectedLine(name, model: $0).split(separator: "\t").dropFirst().map(String.init) })
            .joined(separator: "\t")
    }

    func testEachModelAnswersAsItWouldAlone() throws {
        let pair = try Pair()
        let (a, b) = try pair.write(seed: 1)
        let both = try Server(config: serveConfig(modelPaths: [pair.a, pair.b]))
        defer { both.shutdown() }
        let aloneA = try Server(config: serveConfig(modelPath: pair.a))
        defer { aloneA.shutdown() }
        let aloneB = try Server(config: serveConfig(modelPath: pair.b))
        defer { aloneB.shutdown() }
        XCTAssertEqual(both.serving.models.map(\.model.name), ["a", "b"])

        // Line protocol: name, then a's label and p, then b's; markers once per line, as with one model.
        let markers = ["localhost", "1.2.3.4", "bad..name", "4.3.2.1.in-addr.arpa"]
        let names = TinyModel.names(40) + markers
        let client = try LineClient(port: both.linePort)
        let clientA = try LineClient(port: aloneA.linePort), clientB = try LineClient(port: aloneB.linePort)
        let (linesA, linesB) = (clientA.roundTrip(names), clientB.roundTrip(names))
        for round in 0..<2 {  // the second from the LRUs, answered on the event loop
            let lines = client.roundTrip(names)
            XCTAssertEqual(lines.count, names.count)
            for (i, line) in lines.enumerated() {
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
                if markers.contains(names[i]) {
                    XCTAssertEqual(line, linesA[i], "round \(round)")
                    continue
                }
                let (alone1, alone2) = (linesA[i].split(separator: "\t"), linesB[i].split(separator: "\t"))
                XCTAssertEqual(columns.count, 5, line)
                XCTAssertEqual(Array(columns[1...2]), Array(alone1[1...2]), "round \(round): \(line)")
                XCTAssertEqual(Array(columns[3...4]), Array(alone2[1...2]), "round \(round): \(line)")
                XCTAssertEqual(line, expectedLine(names[i], [a, b]))
            }
        }
        // A name one LRU knows and the other not yet (b is asked first alone... here: a fresh name after a
        // cached one in one write) still gets both columns, in order.
        let mixed = ["ads0.tracker.com", "fresh7.daily.com", "news1.daily.com"]
        XCTAssertEqual(client.roundTrip(mixed), mixed.map { expectedLine($0, [a, b]) })

        // HTTP: one object per model under its name, each with the fields the model gives alone.
        let body = "{\"domains\":[\"ads2.tracker.com\",\"news3.daily.com\",\"wpad\",\"x..y\"]}"
        let reply = try json(httpRequest(port: both.httpPort, method: "POST", path: "/predict", body: body))
        let replyA = try json(httpRequest(port: aloneA.httpPort, method: "POST", path: "/predict", body: body))
        let replyB = try json(httpRequest(port: aloneB.httpPort, method: "POST", path: "/predict", body: body))
        XCTAssertEqual(reply["models"] as? [String: String], ["a": a.digest, "b": b.digest])
        XCTAssertNil(reply["model"])
        let results = reply["results"] as! [[String: Any]]
        let (resultsA, resultsB) = (replyA["results"] as! [[String: Any]], replyB["results"] as! [[String: Any]])
        XCTAssertEqual(results.count, 4)
        for i in 0..<2 {
            XCTAssertEqual(results[i]["domain"] as? String, resultsA[i]["domain"] as? String)
            XCTAssertEqual(Set(results[i].keys), ["domain", "a", "b"])
            XCTAssertEqual(answer(results[i]["a"]), answer(resultsA[i]))
            XCTAssertEqual(answer(results[i]["b"]), answer(resultsB[i]))
        }
        // Markers and errors once per name, as with one model.
        XCTAssertEqual(results[2] as NSDictionary, resultsA[2] as NSDictionary)
        XCTAssertEqual(results[3] as NSDictionary, resultsA[3] as NSDictionary)
        let one = try json(httpRequest(port: both.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"ads4.tracker.com\"}"))
        XCTAssertEqual(Set(one.keys), ["domain", "a", "b", "models"])
        XCTAssertEqual((one["b"] as? [String: Any])?["label"] as? String, "spam")

        // /health and /metrics per model.
        let health = try json(httpRequest(port: both.httpPort, method: "GET", path: "/health"))
        let models = health["models"] as? [String: [String: Any]]
        XCTAssertEqual(models?["a"]?["model"] as? String, a.digest)
        XCTAssertEqual(models?["b"]?["labels"] as? Int, 2)
        XCTAssertEqual(health["redis"] as? String, "off")
        let metrics = both.metricsText()
        XCTAssertTrue(metrics.contains("domcat_model_info{version=\"\(a.digest)\",model=\"a\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("domcat_model_info{version=\"\(b.digest)\",model=\"b\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("domcat_cache_hits_total{tier=\"lru\",model=\"b\"}"), metrics)
        XCTAssertEqual(both.serving.models[0].cache.lruHits, both.serving.models[1].cache.lruHits, "each name is looked up once per model")
    }

    /// `--format jsonl`: classify's several-model objects, one per model under its name.
    func testJSONLinesHaveOneObjectPerModel() throws {
        let pair = try Pair()
        let (a, _) = try pair.write(seed: 1)
        var config = serveConfig(modelPaths: [pair.a, pair.b])
        config.lineFormat = .jsonl
        let server = try Server(config: config)
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        for _ in 0..<2 {  // from the workers, then from the LRUs
            let lines = client.roundTrip(["news3.daily.com", "nas.lan"])
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], "\(lines)")
            XCTAssertEqual(Set(object.keys), ["name", "a", "b"])
            let top = a.classifier.classify(Domain(normalised: "news3.daily.com"), k: 1)[0]
            XCTAssertEqual((object["a"] as? [String: Any])?["label"] as? String, a.classifier.labels[Int(top.label)])
            XCTAssertEqual((object["b"] as? [String: Any])?["label"] as? String, "press")
            XCTAssertEqual(lines[1], "{\"name\":\"nas.lan\",\"label\":\"!local\"}")
        }
    }

    /// Each model's answers are stored in Redis under its own digest, and read back from there.
    func testEachModelHasItsOwnRedisKeys() throws {
        let redis = try RedisProcess()
        let pair = try Pair()
        let (a, b) = try pair.write(seed: 1)
        var config = serveConfig(modelPaths: [pair.a, pair.b])
        config.lruEntries = 0  // every lookup goes to Redis
        var settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 500)
        settings.reads = .always
        config.redis = settings
        let server = try Server(config: config)
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        let names = TinyModel.names(60)
        let expected = names.map { expectedLine($0, [a, b]) }
        let caches = server.serving.models.map(\.cache)
        // The SETs go out after the answers: a later round, not necessarily the next, is read from Redis.
        for _ in 0..<100 where caches.contains(where: { $0.redisHits == 0 }) {
            XCTAssertEqual(client.roundTrip(names), expected)
            usleep(20_000)
        }
        XCTAssertGreaterThan(caches[0].redisHits, 0)
        XCTAssertGreaterThan(caches[1].redisHits, 0)
        XCTAssertEqual(client.roundTrip(names), expected)
        XCTAssertNotEqual(caches[0].redisKey("x"), caches[1].redisKey("x"))
        XCTAssertTrue(caches[1].redisKey("x").starts(with: Array("domcat:\(b.digest):".utf8)))
    }

    func testReloadSwapsEveryModelOrKeepsEveryOldOne() throws {
        let pair = try Pair()
        try pair.write(seed: 1)
        var config = serveConfig(modelPaths: [pair.a, pair.b])
        config.adminToken = Array(adminToken.utf8)
        let server = try Server(config: config)
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        let names = TinyModel.names(30)
        _ = client.roundTrip(names)  // warm the LRUs: the new set must not answer from the old caches

        let (a2, b2) = try pair.write(seed: 2)
        guard case let .success(serving) = server.reload() else { return XCTFail("reload of good files failed") }
        XCTAssertEqual(serving.models.map(\.model.digest), [a2.digest, b2.digest])
        XCTAssertEqual(client.roundTrip(names), names.map { expectedLine($0, [a2, b2]) })

        // Only b changes: a keeps its model and its warm cache.
        let cacheA = server.serving.models[0].cache
        let b3 = try TinyModel.write(to: pair.b, seed: 3, labels: ["spam", "press"])
        guard case .success = server.reload() else { return XCTFail("reload of good files failed") }
        XCTAssertTrue(server.serving.models[0].cache === cacheA)
        XCTAssertEqual(client.roundTrip(names), names.map { expectedLine($0, [a2, b3]) })

        // a good, b corrupt: both old models keep serving, and the reason is given.
        try TinyModel.write(to: pair.a, seed: 4)
        try Data("DOMCATM\0 not really a model".utf8).write(to: URL(fileURLWithPath: pair.b))
        guard case let .failure(error) = server.reload() else { return XCTFail("a corrupt model was accepted") }
        XCTAssertTrue("\(error)".contains("b.dcm"), "\(error)")
        XCTAssertEqual(server.serving.models.map(\.model.digest), [a2.digest, b3.digest])
        XCTAssertEqual(client.roundTrip(names), names.map { expectedLine($0, [a2, b3]) })
        let failed = try adminReload(port: server.httpPort)
        XCTAssertEqual(failed.status, 422)
        XCTAssertTrue(failed.body.contains("still serving every old model"), failed.body)

        // A model renamed by its new file: refused too (clients read the replies by name).
        try TinyModel.write(to: pair.b, seed: 5, labels: ["spam", "press"], name: "c")
        guard case let .failure(renamed) = server.reload() else { return XCTFail("a renamed model was accepted") }
        XCTAssertTrue("\(renamed)".contains("now named c"), "\(renamed)")
        XCTAssertEqual(server.serving.models.map(\.model.digest), [a2.digest, b3.digest])

        let (a6, b6) = try pair.write(seed: 6)
        usleep(1_050_000)  // one admin reload a second
        let ok = try adminReload(port: server.httpPort)
        XCTAssertEqual(ok.status, 200, ok.body)
        XCTAssertEqual(try json((ok.status, ok.body))["models"] as? [String: String], ["a": a6.digest, "b": b6.digest])
        XCTAssertEqual(client.roundTrip(names), names.map { expectedLine($0, [a6, b6]) })
        XCTAssertTrue(server.metricsText().contains("domcat_model_info{version=\"\(b6.digest)\",model=\"b\"} 1"))
        XCTAssertFalse(server.metricsText().contains(b3.digest))
    }

    func testTwoModelsOfOneNameAreAUsageError() throws {
        let pair = try Pair()
        try pair.write(seed: 1)
        let other = pair.directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let sameStem = other.appendingPathComponent("a.dcm").path
        try TinyModel.write(to: sameStem, seed: 2)
        XCTAssertThrowsError(try Server(config: serveConfig(modelPaths: [pair.a, sameStem])))
        let (status, message) = try runDomcat(["serve", pair.a, sameStem, "--listen", "127.0.0.1:0"])
        XCTAssertEqual(status, 2, message)
        XCTAssertTrue(message.contains("named alike"), message)
        // Named so in its header, whatever its file is called.
        let named = pair.directory.appendingPathComponent("renamed.dcm").path
        try TinyModel.write(to: named, seed: 3, name: "b")
        XCTAssertEqual(try runDomcat(["serve", pair.b, named, "--listen", "127.0.0.1:0"]).status, 2)
    }

    /// No model named: the default set (category, then service), as `classify` finds it.
    func testDefaultSetWithoutAModelArgument() throws {
        let dir = try temporaryDirectory()
        let category = try TinyModel.write(to: dir.appendingPathComponent("category.dcm").path, seed: 1)
        let service = try TinyModel.write(to: dir.appendingPathComponent("service.dcm").path, seed: 2, labels: ["google", "none"])
        let psl = dir.appendingPathComponent("psl.dat").path
        try Data("com\nnet\n".utf8).write(to: URL(fileURLWithPath: psl))
        let (line, http) = (freePort(), freePort())
        let process = try startDomcat(["serve", "--listen", "127.0.0.1:\(line)", "--http", "127.0.0.1:\(http)", "--psl", psl],
                                      environment: ["DOMCAT_MODEL": dir.path])
        defer { process.terminate(); process.waitUntilExit() }
        for _ in 0..<500 where !canConnect(port: http) { usleep(10_000) }
        let names = TinyModel.names(6)
        XCTAssertEqual(try LineClient(port: line).roundTrip(names), names.map { expectedLine($0, [category, service]) })
        let health = try json(httpRequest(port: http, method: "GET", path: "/health"))
        XCTAssertEqual(Set((health["models"] as? [String: Any])?.keys ?? [:].keys), ["category", "service"])
    }

    /// Below `--min-p` (or a model's own threshold) a model answers `unknown` with its p, as in classify:
    /// over the line protocol and over HTTP, model by model.
    func testAnswersBelowTheThresholdAreUnknown() throws {
        let pair = try Pair()
        try pair.write(seed: 1)
        var config = serveConfig(modelPaths: [pair.a, pair.b])
        config.minProbability = 0.999_999
        let server = try Server(config: config)
        defer { server.shutdown() }
        let plain = try Server(config: serveConfig(modelPaths: [pair.a, pair.b]))
        defer { plain.shutdown() }
        let names = TinyModel.names(20)
        let lines = try LineClient(port: server.linePort).roundTrip(names)
        let plainLines = try LineClient(port: plain.linePort).roundTrip(names)
        for (line, plainLine) in zip(lines, plainLines) {
            let c = line.split(separator: "\t").map(String.init), p = plainLine.split(separator: "\t").map(String.init)
            XCTAssertEqual(c, [p[0], "unknown", p[2], "unknown", p[4]], "the same p, no label")
        }
        let reply = try json(httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"\(names[0])\"}"))
        XCTAssertEqual((reply["a"] as? [String: Any])?["label"] as? String, "unknown")
        XCTAssertEqual((reply["b"] as? [String: Any])?["label"] as? String, "unknown")
    }

    private func json(_ reply: (Int, String)) throws -> [String: Any] {
        XCTAssertEqual(reply.0, 200, reply.1)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(reply.1.utf8)) as? [String: Any], reply.1)
    }

    /// A model's answer without where it came from (the servers' caches differ) nor the name.
    private func answer(_ object: Any?) -> NSDictionary {
        var fields = object as? [String: Any] ?? [:]
        for key in ["domain", "cached", "source"] { fields[key] = nil }
        return fields as NSDictionary
    }
}
