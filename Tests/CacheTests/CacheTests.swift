import Cache
import DomainKit
import Learners
import Logging
import TestSupport
import XCTest

final class AnswerLRUTests: XCTestCase {
    private func answer(_ label: Int32) -> [LabelScore] { [LabelScore(label: label, probability: 0.5)] }
    private func key(_ s: String) -> NameKey { NameKey(s) }

    func testEvictsLeastRecentlyUsed() {
        let lru = AnswerLRU(capacity: 3, width: 1, shards: 1)
        lru.set(key("a"), answer(1)[...]); lru.set(key("b"), answer(2)[...]); lru.set(key("c"), answer(3)[...])
        XCTAssertEqual(lru.get(key("a")), answer(1))      // a is now the most recent
        lru.set(key("d"), answer(4)[...])                 // evicts b
        XCTAssertNil(lru.get(key("b")))
        XCTAssertEqual(lru.get(key("a")), answer(1))
        XCTAssertEqual(lru.get(key("c")), answer(3))
        XCTAssertEqual(lru.get(key("d")), answer(4))
        lru.set(key("c"), answer(30)[...])                // replace keeps the count
        XCTAssertEqual(lru.count, 3)
        XCTAssertEqual(lru.get(key("c")), answer(30))
    }

    func testKeepsUpToWidthLabelsAndShorterAnswers() {
        let lru = AnswerLRU(capacity: 10, width: 2, shards: 1)
        let three = [LabelScore(label: 4, probability: 0.6), LabelScore(label: 1, probability: 0.3), LabelScore(label: 0, probability: 0.1)]
        lru.set(key("x"), three[...])
        XCTAssertEqual(lru.get(key("x")), Array(three.prefix(2)))
        lru.set(key("y"), three.prefix(1))
        XCTAssertEqual(lru.get(key("y")), Array(three.prefix(1)))
        var appended = [LabelScore(label: 9, probability: 1)]
        XCTAssertTrue(lru.get(key("y"), appendingTo: &appended))
        XCTAssertEqual(appended, [LabelScore(label: 9, probability: 1), three[0]])
    }

    /// Eviction deletes from the open-addressing index; every key still present must stay findable and
    /// every evicted one gone, across many evictions with a small index.
    func testIndexStaysConsistentThroughEvictions() {
        let lru = AnswerLRU(capacity: 500, width: 1, shards: 1)
        for i in 0..<20_000 {
            lru.set(key("k\(i)"), answer(Int32(i))[...])
            if i % 7 == 0 { _ = lru.get(key("k\(i / 2)")) }
        }
        XCTAssertEqual(lru.count, 500)
        var present = 0
        for i in 0..<20_000 {
            if let hit = lru.get(key("k\(i)")) { XCTAssertEqual(hit, answer(Int32(i))); present += 1 }
        }
        XCTAssertEqual(present, 500)
        for i in 19_600..<20_000 { XCTAssertNotNil(lru.get(key("k\(i)")), "recent key \(i) lost") }
    }

    func testManyShardsKeepTheirCapacity() {
        let lru = AnswerLRU(capacity: 10_000, width: 3)
        for i in 0..<50_000 { lru.set(key("k\(i)"), answer(Int32(i))[...]) }
        XCTAssertLessThanOrEqual(lru.count, 10_000 + 16)
        XCTAssertGreaterThan(lru.count, 9_000)
        XCTAssertEqual(lru.get(key("k49999")), answer(49999))
        XCTAssertNil(lru.get(key("k0")))
    }

    func testRemoveAllEmptiesAndRefills() {
        let lru = AnswerLRU(capacity: 100, width: 1, shards: 1)
        for i in 0..<100 { lru.set(key("k\(i)"), answer(Int32(i))[...]) }
        lru.removeAll()
        XCTAssertEqual(lru.count, 0)
        XCTAssertNil(lru.get(key("k5")))
        for i in 0..<150 { lru.set(key("n\(i)"), answer(Int32(i))[...]) }
        XCTAssertEqual(lru.count, 100)
        XCTAssertEqual(lru.get(key("n149")), answer(149))
        XCTAssertNil(lru.get(key("n0")))
    }

    func testZeroCapacityIsOff() {
        let lru = AnswerLRU(capacity: 0, width: 3)
        lru.set(key("a"), answer(1)[...])
        XCTAssertNil(lru.get(key("a")))
    }

    func testConcurrentUse() {
        let lru = AnswerLRU(capacity: 1000, width: 1)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<20_000 {
                lru.set(NameKey("k\(i % 3000)"), [LabelScore(label: Int32(i % 3000), probability: 1)][...])
                if let hit = lru.get(NameKey("k\((i * 7 + t) % 3000)")) { XCTAssertEqual(Int(hit[0].label), (i * 7 + t) % 3000) }
            }
        }
        XCTAssertLessThanOrEqual(lru.count, 1000 + 16)
    }

    func testNameKeysDifferForNearNames() {
        var seen = Set<NameKey>()
        for i in 0..<100_000 { seen.insert(NameKey("host\(i).example.com")) }
        for a in ["a", "b", "ab", "ba", "", "abcdefgh", "abcdefgi", "abcdefghi"] { seen.insert(NameKey(a)) }
        XCTAssertEqual(seen.count, 100_008)
        XCTAssertEqual(NameKey("example.com"), NameKey("example.com"))
    }
}

final class AnswerCodecTests: XCTestCase {
    func testRoundTripAndRejectsForeignBytes() {
        let top = [LabelScore(label: 2, probability: 0.75), LabelScore(label: 0, probability: 0.25)]
        var bytes: [UInt8] = []
        AnswerCodec.encode(top, into: &bytes)
        XCTAssertEqual(bytes.withUnsafeBytes { AnswerCodec.decode($0, labelCount: 3) }, top)
        XCTAssertNil(bytes.withUnsafeBytes { AnswerCodec.decode($0, labelCount: 2) }, "label index out of range")
        XCTAssertNil(Array("hello".utf8).withUnsafeBytes { AnswerCodec.decode($0, labelCount: 3) })
    }

    func testEndpointURLs() {
        XCTAssertEqual(RedisEndpoint(url: "redis://127.0.0.1:6380"), .tcp(host: "127.0.0.1", port: 6380))
        XCTAssertEqual(RedisEndpoint(url: "redis://localhost"), .tcp(host: "localhost", port: 6379))
        XCTAssertEqual(RedisEndpoint(url: "unix:///tmp/r.sock"), .unix(path: "/tmp/r.sock"))
        XCTAssertNil(RedisEndpoint(url: "http://x"))
        XCTAssertNil(RedisEndpoint(url: "redis://host:notaport"))
    }
}

final class RedisCacheTests: XCTestCase {
    let logger = Logger(label: "test")

    /// One batch through the cache-aside step: the tier that answered each name.
    private func round(_ names: [String], _ step: CacheAside, _ cache: AnswerCache, _ model: CountingClassifier) -> [CacheTier?] {
        step.reset()
        let at = names.map { name -> Int in
            guard case let .domain(domain) = DomainParser.parse(name) else { fatalError(name) }
            return step.add(domain, cache: cache)
        }
        step.answerRest(cache: cache, classifier: model, k: 3)
        step.store(cache: cache)
        return at.map { step.answers.tiers[$0] }
    }

    func testTiersAndNamespaces() throws {
        let redis = try RedisProcess()
        var settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 200)
        settings.reads = .always
        let health = RedisHealth(endpoint: settings.endpoint, logger: logger)
        let connection = RedisConnection(settings: settings, health: health)
        let step = CacheAside(redis: connection)
        let model = CountingClassifier()

        let first = AnswerCache(modelDigest: "aaaa", labelCount: 2, lruEntries: 100, width: 3)
        XCTAssertEqual(round(["x.com", "y.com", "x.com"], step, first, model), [.model, .model, .model])
        XCTAssertEqual(model.classified, 2, "a name repeated in a batch is classified once")
        XCTAssertEqual(step.repeats, 1)
        XCTAssertTrue(health.isUp)
        XCTAssertEqual(round(["x.com", "y.com"], step, first, model), [.lru, .lru])
        XCTAssertEqual(model.classified, 2)
        XCTAssertEqual(connection.command(["EXISTS", "domcat:aaaa:x.com"]), "1")
        XCTAssertEqual(connection.command(["EXISTS", "domcat:aaaa:z.com"]), "0", "only answers the model computed are stored")
        XCTAssertNotNil(connection.command(["TTL", "domcat:aaaa:x.com"]).flatMap(Int.init).map { $0 > 0 && $0 <= settings.ttlSeconds })

        // Same model, empty LRU (another process): Redis answers, then the LRU has it; the model is not asked.
        let second = AnswerCache(modelDigest: "aaaa", labelCount: 2, lruEntries: 100, width: 3)
        XCTAssertEqual(round(["x.com"], step, second, model), [.redis])
        XCTAssertEqual(Array(step.top(0)), model.answer("x.com"))
        XCTAssertEqual(round(["x.com"], step, second, model), [.lru])
        XCTAssertEqual(second.redisHits, 1)
        XCTAssertEqual(second.lruHits, 1)
        XCTAssertEqual(model.classified, 2)

        // Another model never sees the first one's answers.
        let other = AnswerCache(modelDigest: "bbbb", labelCount: 2, lruEntries: 100, width: 3)
        XCTAssertEqual(round(["x.com"], step, other, model), [.model])
    }

    func testDownRedisIsAMissWithBackoff() throws {
        let redis = try RedisProcess()
        var settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 100)
        settings.minBackoffMilliseconds = 20
        let health = RedisHealth(endpoint: settings.endpoint, logger: logger)
        let connection = RedisConnection(settings: settings, health: health)
        XCTAssertEqual(connection.command(["PING"]), "PONG")
        redis.kill()
        var calls = 0
        XCTAssertFalse(connection.mget([Array("k".utf8)]) { _, _ in calls += 1 })
        XCTAssertEqual(calls, 0)
        XCTAssertFalse(health.isUp)
        XCTAssertGreaterThan(health.errors, 0)
        // Inside the backoff no connect is even tried.
        let errors = health.errors
        XCTAssertFalse(connection.mget([Array("k".utf8)]) { _, _ in })
        XCTAssertEqual(health.errors, errors)
        try redis.start()
        var back = false
        for _ in 0..<100 where !back {
            usleep(20_000)
            back = connection.command(["PING"]) == "PONG"
        }
        XCTAssertTrue(back)
        XCTAssertTrue(health.isUp)
    }

    /// A `redis://` server is asked CLUSTER SLOTS once it is reached: a plain one refuses (cluster support
    /// disabled) and is used as one server; while it cannot be reached the question stays open.
    func testPlainServerIsNotTakenForACluster() throws {
        let redis = try RedisProcess()
        redis.kill()
        var settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 100)
        settings.minBackoffMilliseconds = 1
        settings.maxBackoffMilliseconds = 1
        let connection = RedisConnection(settings: settings, health: RedisHealth(endpoint: settings.endpoint, logger: logger))
        XCTAssertNil(connection.isCluster)
        try redis.start()
        usleep(5_000)
        XCTAssertEqual(connection.isCluster, false)
        XCTAssertEqual(connection.command(["SET", "k", "v"]), "OK")
        var got: [UInt8]?
        XCTAssertTrue(connection.mget([Array("k".utf8)]) { _, bytes in got = bytes.map(Array.init) })
        XCTAssertEqual(got, Array("v".utf8))
    }

    /// In `auto`, once the model is measured to be cheaper than a round trip, misses skip Redis (and the
    /// answers are still stored); a long-enough batch reads again.
    func testAutoReadsSkipRedisWhenTheModelIsCheaper() throws {
        let redis = try RedisProcess()
        let settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 200)
        XCTAssertEqual(settings.reads, .auto, "the default")
        let connection = RedisConnection(settings: settings, health: RedisHealth(endpoint: settings.endpoint, logger: logger))
        let cache = AnswerCache(modelDigest: "cccc", labelCount: 2, lruEntries: 0, width: 3)
        func mgetCalls() -> Int {
            let stats = connection.command(["INFO", "commandstats"]) ?? ""
            guard let line = stats.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("cmdstat_mget:calls=") }) else { return 0 }
            return Int(line.dropFirst("cmdstat_mget:calls=".count).prefix { $0.isNumber }) ?? 0
        }
        let step = CacheAside(redis: connection)
        let model = CountingClassifier()
        func roundOf(_ names: [String]) -> [CacheTier?] { round(names, step, cache, model) }

        _ = roundOf(["a.com", "b.com"])  // nothing measured yet: reads
        XCTAssertEqual(mgetCalls(), 1)
        XCTAssertNotNil(connection.readPolicy.roundTripNanoseconds)
        XCTAssertNotNil(connection.readPolicy.modelNanosecondsPerName)
        XCTAssertEqual(connection.readPolicy.hitShare, 0)
        // Redis had none of the names: a read saves nothing, so the next rounds go straight to the model.
        let again = roundOf(["a.com", "b.com"])
        XCTAssertEqual(again, [.model, .model])
        XCTAssertEqual(mgetCalls(), 1)
        XCTAssertEqual(connection.command(["EXISTS", "domcat:cccc:a.com"]), "1", "answers are still stored")
    }
}

final class RedisReadPolicyTests: XCTestCase {
    func testAlwaysReads() {
        var policy = RedisReadPolicy(mode: .always)
        policy.recordRead(keys: 10, hits: 0, nanoseconds: 1_000_000, now: 0)
        policy.recordModel(names: 10, nanoseconds: 10)
        XCTAssertTrue(policy.shouldRead(names: 1, now: 1))
    }

    func testAutoWeighsTheRoundTripAgainstTheModelWorkItSaves() {
        var policy = RedisReadPolicy(mode: .auto)
        XCTAssertTrue(policy.shouldRead(names: 1, now: 0), "nothing measured yet")
        policy.recordRead(keys: 10, hits: 9, nanoseconds: 100_000, now: 0)   // 100 µs, 90% found
        XCTAssertTrue(policy.shouldRead(names: 1, now: 1), "the model not measured yet")
        policy.recordModel(names: 100, nanoseconds: 100_000)                 // 1 µs a name
        XCTAssertFalse(policy.shouldRead(names: 16, now: 1), "0.9 × 16 µs saved < 100 µs")
        XCTAssertTrue(policy.shouldRead(names: 200, now: 1), "0.9 × 200 µs saved > 100 µs")
        policy.recordModel(names: 1, nanoseconds: 50_000)                    // a slow model (moving average)
        XCTAssertTrue(policy.shouldRead(names: 16, now: 1))
    }

    func testAutoProbesWhenItHasNotReadForAWhile() {
        var policy = RedisReadPolicy(mode: .auto)
        policy.recordRead(keys: 10, hits: 0, nanoseconds: 100_000, now: 1_000)
        policy.recordModel(names: 10, nanoseconds: 10_000)
        XCTAssertFalse(policy.shouldRead(names: 4096, now: 2_000), "Redis found nothing: no read pays")
        XCTAssertTrue(policy.shouldRead(names: 1, now: 1_000 + 100_000_000), "a probe every 100 ms")
    }
}

/// A classifier with a fixed rule (label = name length mod 2) that counts the names it was asked about,
/// so a test sees which answers came from a cache and which from the model.
final class CountingClassifier: DomainClassifier, @unchecked Sendable {
    let labels = ["even", "odd"]
    var calibration = Calibration()
    private(set) var classified = 0

    func answer(_ name: String) -> [LabelScore] {
        let label = Int32(name.utf8.count % 2)
        return [LabelScore(label: label, probability: 0.75), LabelScore(label: 1 - label, probability: 0.25)]
    }

    func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        classified += 1
        top = Array(answer(domain.name).prefix(k))
    }

    func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        var top: [LabelScore] = []
        for (i, domain) in domains.enumerated() {
            classify(domain, k: k, workspace: workspace, into: &top)
            answer(i, top)
        }
    }

    func explain(_ domain: Domain, label: Int32) -> [TokenWeight] { [] }
}
