import Cache
import Learners
import Logging
import TestSupport
import XCTest

final class ShardedLRUTests: XCTestCase {
    func testEvictsLeastRecentlyUsed() {
        let lru = ShardedLRU<Int>(capacity: 3, shards: 1)
        lru.set("a", 1); lru.set("b", 2); lru.set("c", 3)
        XCTAssertEqual(lru.get("a"), 1)      // a is now the most recent
        lru.set("d", 4)                      // evicts b
        XCTAssertNil(lru.get("b"))
        XCTAssertEqual(lru.get("a"), 1)
        XCTAssertEqual(lru.get("c"), 3)
        XCTAssertEqual(lru.get("d"), 4)
        lru.set("c", 30)                     // replace keeps the count
        XCTAssertEqual(lru.count, 3)
        XCTAssertEqual(lru.get("c"), 30)
    }

    func testManyShardsKeepTheirCapacity() {
        let lru = ShardedLRU<Int>(capacity: 10_000)
        for i in 0..<50_000 { lru.set("k\(i)", i) }
        XCTAssertLessThanOrEqual(lru.count, 10_000 + 16)
        XCTAssertGreaterThan(lru.count, 9_000)
        XCTAssertEqual(lru.get("k49999"), 49999)
        XCTAssertNil(lru.get("k0"))
    }

    func testZeroCapacityIsOff() {
        let lru = ShardedLRU<Int>(capacity: 0)
        lru.set("a", 1)
        XCTAssertNil(lru.get("a"))
    }

    func testConcurrentUse() {
        let lru = ShardedLRU<Int>(capacity: 1000)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in 0..<20_000 {
                lru.set("k\(i % 3000)", i)
                _ = lru.get("k\((i * 7 + t) % 3000)")
            }
        }
        XCTAssertLessThanOrEqual(lru.count, 1000 + 16)
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

    func testTiersAndNamespaces() throws {
        let redis = try RedisProcess()
        let settings = RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: redis.port), timeoutMilliseconds: 200)
        let health = RedisHealth(endpoint: settings.endpoint, logger: logger)
        let connection = RedisConnection(settings: settings, health: health)
        let top = [LabelScore(label: 1, probability: 0.9)]

        let first = AnswerCache(modelDigest: "aaaa", labelCount: 2, lruEntries: 100)
        var found: [(top: [LabelScore], tier: CacheTier)?] = []
        first.lookup(["x.com", "y.com"], redis: connection, into: &found)
        XCTAssertTrue(found.allSatisfy { $0 == nil })
        XCTAssertTrue(health.isUp)
        first.store([("x.com", top)], redis: connection)
        first.lookup(["x.com", "y.com"], redis: connection, into: &found)
        XCTAssertEqual(found[0]?.tier, .lru)
        XCTAssertNil(found[1])
        XCTAssertEqual(connection.command(["EXISTS", "domcat:aaaa:x.com"]), "1")
        XCTAssertNotNil(connection.command(["TTL", "domcat:aaaa:x.com"]).flatMap(Int.init).map { $0 > 0 && $0 <= settings.ttlSeconds })

        // Same model, empty LRU (another process): Redis answers, then the LRU has it.
        let second = AnswerCache(modelDigest: "aaaa", labelCount: 2, lruEntries: 100)
        second.lookup(["x.com"], redis: connection, into: &found)
        XCTAssertEqual(found[0]?.tier, .redis)
        XCTAssertEqual(found[0]?.top, top)
        second.lookup(["x.com"], redis: connection, into: &found)
        XCTAssertEqual(found[0]?.tier, .lru)
        XCTAssertEqual(second.redisHits, 1)
        XCTAssertEqual(second.lruHits, 1)

        // Another model never sees the first one's answers.
        let other = AnswerCache(modelDigest: "bbbb", labelCount: 2, lruEntries: 100)
        other.lookup(["x.com"], redis: connection, into: &found)
        XCTAssertNil(found[0])
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
}
