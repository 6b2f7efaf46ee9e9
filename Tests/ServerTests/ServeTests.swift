import Cache
import Foundation
import ModelStore
import Server
import TestSupport
import XCTest

final class ServeProtocolTests: XCTestCase {
    /// Names no model should label get the markers `classify` gives, on the line protocol and over HTTP,
    /// whether the worker or the event loop answers (the second round).
    func testLocalReverseAndNoSuffixNamesAreMarked() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let server = try Server(config: serveConfig(modelPath: path))
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        let names = ["localhost", "nas.lan", "4.3.2.1.in-addr.arpa", "printer.corp", "ads2.tracker.com"]
        let expected = ["localhost\t!local\t-", "nas.lan\t!local\t-", "4.3.2.1.in-addr.arpa\t!reverse\t-", "printer.corp\t!nosuffix\t-",
                        TinyModel.expectedLine("ads2.tracker.com", model: model)]
        XCTAssertEqual(client.roundTrip(names), expected)
        XCTAssertEqual(client.roundTrip(names), expected)
        let (status, body) = try httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"wpad\"}")
        XCTAssertEqual(status, 200)
        XCTAssertTrue(body.contains("\"label\":\"!local\""), body)
    }

    func testLineAnswersMatchClassifyAndHTTPWorks() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        var config = serveConfig(modelPath: path)
        config.unixPath = dir.appendingPathComponent("s.sock").path
        let server = try Server(config: config)
        defer { server.shutdown() }

        let names = TinyModel.names(50)
        let client = try LineClient(port: server.linePort)
        XCTAssertEqual(client.roundTrip(names), names.map { TinyModel.expectedLine($0, model: model) })
        // Again: now from the LRU, and still identical.
        XCTAssertEqual(client.roundTrip(names), names.map { TinyModel.expectedLine($0, model: model) })
        XCTAssertGreaterThanOrEqual(server.cache.lruHits, 50)
        XCTAssertEqual(client.roundTrip(["1.2.3.4", "bad..name"]), ["1.2.3.4\t!ip\t-", "bad..name\t!error\tempty DNS label in name"])
        // Cached names (answered on the event loop) and fresh ones (answered by a worker), interleaved in
        // one write: the answers keep the order of the questions.
        let mixed = (0..<200).map { $0 % 3 == 0 ? "fresh\($0).daily.com" : names[$0 % names.count] }
        XCTAssertEqual(client.roundTrip(mixed), mixed.map { TinyModel.expectedLine($0, model: model) })
        // One line per write: cached lines arrive while a fresh one is with a worker and are answered on
        // the event loop when it is back, still in order.
        let trickled = (0..<120).map { $0 % 10 == 0 ? "trickle\($0).daily.com" : names[$0 % names.count] }
        for name in trickled { XCTAssertTrue(client.send(lines: [name])) }
        XCTAssertEqual(client.readLines(trickled.count), trickled.map { TinyModel.expectedLine($0, model: model) })

        let (status, body) = try httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "{\"domain\":\"ads2.tracker.com\"}")
        XCTAssertEqual(status, 200)
        XCTAssertTrue(body.contains("\"label\":\"ads\""), body)
        XCTAssertTrue(body.contains("\"model\":\"\(model.digest)\""), body)
        XCTAssertTrue(body.contains("\"cached\":true"), body)
        let (batchStatus, batch) = try httpRequest(port: server.httpPort, method: "POST", path: "/predict",
                                                   body: "{\"domains\":[\"news1.daily.com\",\"x..y\",\"fresh.daily.com\"]}")
        XCTAssertEqual(batchStatus, 200)
        let json = try JSONSerialization.jsonObject(with: Data(batch.utf8)) as! [String: Any]
        let results = json["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, 3)
        XCTAssertEqual(results[0]["label"] as? String, "news")
        XCTAssertNotNil(results[1]["error"])
        XCTAssertEqual(results[2]["cached"] as? Bool, false)
        XCTAssertEqual((results[0]["top"] as? [Any])?.count, 2)
        XCTAssertEqual(try httpRequest(port: server.httpPort, method: "POST", path: "/predict", body: "not json").0, 400)
        XCTAssertEqual(try httpRequest(port: server.httpPort, method: "GET", path: "/nowhere").0, 404)
        let (healthStatus, health) = try httpRequest(port: server.httpPort, method: "GET", path: "/health")
        XCTAssertEqual(healthStatus, 200)
        XCTAssertTrue(health.contains("\"redis\":\"off\""), health)
        let (_, metrics) = try httpRequest(port: server.httpPort, method: "GET", path: "/metrics")
        XCTAssertTrue(metrics.contains("domcat_requests_total{protocol=\"line\"} 422"), metrics)
        XCTAssertTrue(metrics.contains("domcat_cache_hits_total{tier=\"lru\"}"), metrics)
        XCTAssertTrue(metrics.contains("domcat_batch_latency_seconds_bucket"), metrics)
        XCTAssertTrue(metrics.contains("domcat_model_info{version=\"\(model.digest)\"} 1"), metrics)

        // The Unix socket speaks the same protocol.
        XCTAssertEqual(try LineClient(unixPath: config.unixPath!).roundTrip(["ads4.tracker.com"]),
                       [TinyModel.expectedLine("ads4.tracker.com", model: model)])
    }

    func testSecondServeOnTakenPortFailsClearly() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        try TinyModel.write(to: path)
        var config = serveConfig(modelPath: path)
        config.http = nil
        let first = try Server(config: config)
        defer { first.shutdown() }
        var second = config
        second.listen = "127.0.0.1:\(first.linePort)"
        XCTAssertThrowsError(try Server(config: second)) { error in
            XCTAssertTrue("\(error)".contains("cannot listen on 127.0.0.1:\(first.linePort): address already in use"), "\(error)")
        }
        // The command line: a clear message and its own exit code.
        let (status, message) = try runDomcat(["serve", path, "--listen", "127.0.0.1:\(first.linePort)"])
        XCTAssertEqual(status, 6, message)
        XCTAssertTrue(message.contains("address already in use"), message)
    }
}

final class ServeReliabilityTests: XCTestCase {
    func testRedisKilledMidRunThenBack() throws {
        let redis = try RedisProcess()
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let logs = LogCapture()
        var config = serveConfig(modelPath: path, logger: logs.logger)
        config.lruEntries = 0 // every lookup goes to Redis
        var settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 100)
        settings.minBackoffMilliseconds = 10
        settings.maxBackoffMilliseconds = 50
        settings.reads = .always // the tiny model is cheaper than a round trip: `auto` would rarely read
        config.redis = settings
        let server = try Server(config: config)
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        let names = TinyModel.names(100)
        let expected = names.map { TinyModel.expectedLine($0, model: model) }

        XCTAssertEqual(client.roundTrip(names), expected)
        // The first round's SETs go out after its answers (a slow SET never delays a reply), possibly from
        // the other worker's connection: a later round, not necessarily the next, is served from Redis.
        for _ in 0..<100 where server.cache.redisHits == 0 {
            XCTAssertEqual(client.roundTrip(names), expected)
            if server.cache.redisHits == 0 { usleep(20_000) }
        }
        XCTAssertGreaterThan(server.cache.redisHits, 0, "a later round served from Redis")

        redis.kill()
        for _ in 0..<5 { XCTAssertEqual(client.roundTrip(names), expected, "answers from the model while Redis is down") }
        XCTAssertTrue(logs.all.contains { $0.hasPrefix("warning") && $0.contains("unavailable") }, "\(logs.all)")
        let metrics = server.metricsText()
        XCTAssertTrue(metrics.contains("domcat_redis_up 0"), metrics)
        XCTAssertFalse(metrics.contains("domcat_redis_errors_total 0\n"), metrics)

        try redis.start()
        let hitsBefore = server.cache.redisHits
        var back = false
        for _ in 0..<100 where !back {
            XCTAssertEqual(client.roundTrip(names), expected)
            back = server.cache.redisHits > hitsBefore
            if !back { usleep(20_000) }
        }
        XCTAssertTrue(back, "cache used again after Redis came back")
        XCTAssertTrue(server.redisHealth?.isUp ?? false)
        XCTAssertTrue(logs.all.contains { $0.contains("reachable again") }, "\(logs.all)")
    }

    func testBadClientsOnlyHurtThemselves() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let server = try Server(config: serveConfig(modelPath: path))
        defer { server.shutdown() }
        let good = try LineClient(port: server.linePort)
        let names = TinyModel.names(20)
        let expected = names.map { TinyModel.expectedLine($0, model: model) }
        XCTAssertEqual(good.roundTrip(names), expected)

        // A 10 MiB line: an error answer, then the server closes that connection.
        let huge = try LineClient(port: server.linePort)
        huge.send([UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20) + [0x0A])
        let reply = huge.readLines(1)
        XCTAssertEqual(reply.count, 1)
        XCTAssertTrue(reply.first?.contains("!error\tline over 65536 bytes") ?? false, "\(reply)")
        XCTAssertTrue(huge.isClosedByPeer())
        XCTAssertEqual(good.roundTrip(names), expected)

        // Binary garbage with newlines: error answers, one per line; without newlines: closed.
        let garbage = try LineClient(port: server.linePort)
        var rng = SystemRandomNumberGenerator()
        garbage.send((0..<2000).map { i in i % 100 == 99 ? 0x0A : UInt8.random(in: 0...255, using: &rng) | 0x80 })
        let answers = garbage.readLines(20)
        XCTAssertEqual(answers.count, 20)
        XCTAssertTrue(answers.allSatisfy { $0.contains("\t!error\t") }, "\(answers)")
        garbage.send((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) == 0x0A ? 0 : 1 })
        XCTAssertTrue(garbage.isClosedByPeer())

        // Clients that leave mid-request, or without reading their answers.
        for _ in 0..<20 {
            let leaver = try LineClient(port: server.linePort)
            leaver.send(Array("ads1.tracker.com\nnews3.dai".utf8))
            let flooder = try LineClient(port: server.linePort)
            flooder.send(lines: TinyModel.names(5000))
        }
        XCTAssertEqual(good.roundTrip(names), expected)
        XCTAssertEqual(try LineClient(port: server.linePort).roundTrip(names), expected)
    }

    func testThousandIdleConnections() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(limit.rlim_max, 4096)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        guard limit.rlim_cur >= 2200 else { throw XCTSkip("open-file limit \(limit.rlim_cur) too low for 1,000 connections") }
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let server = try Server(config: serveConfig(modelPath: path))
        defer { server.shutdown() }
        let idle = try (0..<1000).map { _ in try LineClient(port: server.linePort) }
        let names = TinyModel.names(10)
        let expected = names.map { TinyModel.expectedLine($0, model: model) }
        XCTAssertEqual(try LineClient(port: server.linePort).roundTrip(names), expected)
        // The idle ones were accepted and still answer.
        XCTAssertEqual(idle[0].roundTrip(names), expected)
        XCTAssertEqual(idle[999].roundTrip(names), expected)
        XCTAssertEqual(idle.count, 1000)
    }

    func testReloadUnderLoadDropsNothing() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let first = try TinyModel.write(to: path)
        var config = serveConfig(modelPath: path)
        config.adminToken = Array(adminToken.utf8)
        let server = try Server(config: config)
        defer { server.shutdown() }
        let port = server.linePort
        let failures = LockedCounter()
        let answered = LockedCounter()
        let done = DispatchGroup()
        for _ in 0..<4 {
            done.enter()
            Thread {
                defer { done.leave() }
                guard let client = try? LineClient(port: port) else { failures.add(1); return }
                let names = TinyModel.names(200)
                for _ in 0..<40 {
                    let lines = client.roundTrip(names)
                    if lines.count != names.count { failures.add(names.count - lines.count); return }
                    for (name, line) in zip(names, lines) {
                        let fields = line.split(separator: "\t")
                        if fields.count != 3 || fields[0] != name || !["ads", "news"].contains(fields[1]) { failures.add(1) }
                    }
                    answered.add(lines.count)
                }
            }.start()
        }
        var digests: Set<String> = [first.digest]
        for seed in 2...4 {
            let next = try TinyModel.write(to: path, seed: UInt64(seed))
            guard case let .success(serving) = server.reload() else { return XCTFail("reload of a good file failed") }
            let version = serving.models[0].model.digest
            XCTAssertEqual(version, next.digest)
            digests.insert(version)
        }
        // A bad file: the old model keeps serving, and the reason is given.
        let serving = server.modelDigest
        try Data("DOMCATM\0 not really a model".utf8).write(to: URL(fileURLWithPath: path))
        guard case let .failure(error) = server.reload() else { return XCTFail("a corrupt model was accepted") }
        XCTAssertFalse("\(error)".isEmpty)
        XCTAssertEqual(server.modelDigest, serving)
        let failed = try adminReload(port: server.httpPort)
        XCTAssertEqual(failed.status, 422)
        XCTAssertTrue(failed.body.contains("still serving the old model"), failed.body)
        try TinyModel.write(to: path, seed: 9)
        usleep(1_050_000) // one reload a second
        let ok = try adminReload(port: server.httpPort)
        XCTAssertEqual(ok.status, 200, ok.body)
        done.wait()
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(answered.value, 4 * 40 * 200)
        XCTAssertEqual(digests.count, 4)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
