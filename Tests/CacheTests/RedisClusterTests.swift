@testable import Cache
import Dispatch
import Foundation
import Logging
import TestSupport
import XCTest

/// The cache tier on a real 3-master, 3-replica Redis Cluster: keys routed by slot, a master killed under load,
/// the replica's promotion found by a topology refresh; reads during the failover miss, none is ever wrong.
final class RedisClusterTests: XCTestCase {
    func testRoutingAndFailoverUnderLoad() throws {
        let cluster = try RedisClusterProcess()
        let endpoint = RedisEndpoint(url: "redis-cluster://127.0.0.1:\(cluster.ports[0]),127.0.0.1:\(cluster.ports[1])")!
        XCTAssertEqual(endpoint, .cluster(seeds: [.tcp(host: "127.0.0.1", port: cluster.ports[0]), .tcp(host: "127.0.0.1", port: cluster.ports[1])]))
        let health = RedisHealth(endpoint: endpoint, logger: Logger(label: "test"))
        let redis = RedisConnection(settings: RedisSettings(endpoint: endpoint, timeoutMilliseconds: 200), health: health)
        let keys = (0..<3000).map { Array("domcat:test:name\($0).example.com".utf8) }
        let value = { (i: Int) in Array("answer \(i)".utf8) }
        XCTAssertTrue(redis.set(keys.indices.map { (keys[$0], value($0)) }))

        /// Reads every key: (found, wrong).
        func readAll() -> (found: Int, wrong: Int) {
            var found = 0, wrong = 0
            _ = redis.mget(keys) { i, bytes in
                guard let bytes else { return }
                if Array(bytes) == value(i) { found += 1 } else { wrong += 1 }
            }
            return (found, wrong)
        }
        XCTAssertEqual(readAll().found, keys.count, "every key on its slot's master")
        // The keys spread over the three masters.
        let perMaster = cluster.masters().map { Int(RedisClusterProcess.cli(["-p", String($0), "DBSIZE"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
        XCTAssertEqual(perMaster.count, 3)
        XCTAssertTrue(perMaster.allSatisfy { $0 > keys.count / 5 }, "\(perMaster)")
        // The same cluster named by one node's plain redis:// URL (a replica's): CLUSTER SLOTS tells it is a
        // cluster, and the reads are routed to the masters alike.
        let plain = RedisConnection(settings: RedisSettings(endpoint: .tcp(host: "127.0.0.1", port: cluster.ports[5]), timeoutMilliseconds: 200),
                                    health: health)
        XCTAssertEqual(plain.isCluster, true)
        var viaPlain = 0
        XCTAssertTrue(plain.mget(keys) { i, bytes in if let bytes, Array(bytes) == value(i) { viaPlain += 1 } })
        XCTAssertEqual(viaPlain, keys.count)
        XCTAssertEqual(redis.command(["SET", "domcat:test:one", "1"]), "OK")
        XCTAssertEqual(redis.command(["GET", "domcat:test:one"]), "1")

        // Let the replicas catch up, then kill the master of the first seed's slots under load.
        usleep(500_000)
        let victim = cluster.masters()[0]
        cluster.kill(port: victim)
        let killed = DispatchTime.now().uptimeNanoseconds
        var recovered: Double?
        var partialReads = 0, wrong = 0
        while DispatchTime.now().uptimeNanoseconds - killed < 20_000_000_000 {
            let r = readAll()
            wrong += r.wrong
            if r.found == keys.count { recovered = Double(DispatchTime.now().uptimeNanoseconds - killed) / 1e9; break }
            partialReads += 1
        }
        XCTAssertEqual(wrong, 0, "a read during the failover answered wrong")
        let seconds = try XCTUnwrap(recovered, "the replica never took over")
        print("cluster failover: every key readable again \(String(format: "%.2f", seconds)) s after SIGKILL of master \(victim); \(partialReads) reads missed some keys meanwhile")
        XCTAssertLessThan(seconds, 20)
        // New writes land on the promoted replica.
        XCTAssertTrue(redis.set([(Array("domcat:test:after".utf8), Array("x".utf8))]))
        XCTAssertEqual(redis.command(["GET", "domcat:test:after"]), "x")
    }

    func testRedirectReplies() {
        let moved = ClusterRouter.redirect("MOVED 3999 127.0.0.1:6381")
        XCTAssertEqual(moved?.ask, false)
        XCTAssertEqual(moved?.slot, 3999)
        XCTAssertEqual(moved?.endpoint, .tcp(host: "127.0.0.1", port: 6381))
        XCTAssertEqual(ClusterRouter.redirect("ASK 12 10.0.0.2:7000")?.ask, true)
        XCTAssertNil(ClusterRouter.redirect("MOVED 99999 127.0.0.1:6381"))
        XCTAssertNil(ClusterRouter.redirect("ERR wrong"))
        XCTAssertNil(RedisEndpoint(url: "redis-cluster://"))
        XCTAssertEqual(RedisEndpoint(url: "redis-cluster://a:1,b:2")?.description, "redis-cluster://a:1,b:2")
    }
}
