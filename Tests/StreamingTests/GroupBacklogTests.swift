import Cache
import Logging
@testable import Streaming
import TestSupport
import XCTest

/// A consumer group's pending entries and lag as XINFO gives them, and the lag counted where Redis 7 gives none
/// (entries deleted ahead of the group), on a real redis-server.
final class GroupBacklogTests: XCTestCase {
    func testPendingAndLagWithAndWithoutRedisCount() throws {
        let redis = try RedisProcess()
        let endpoint = RedisEndpoint.tcp(host: "127.0.0.1", port: redis.port)
        let connection = RedisConnection(settings: RedisSettings(endpoint: endpoint, timeoutMilliseconds: 2000),
                                         health: RedisHealth(endpoint: endpoint, logger: Logger(label: "test")))
        let source = StreamAddress(url: "redis://127.0.0.1:\(redis.port)/{dns}:in")!
        var adds = RedisCommands()
        for i in 1...2500 { adds.command("XADD"); adds.add(source.key); adds.add("\(i)-0"); adds.add("q"); adds.add("n\(i).example") }
        XCTAssertEqual(connection.pipeline(adds)?.count, 2500)
        XCTAssertEqual(connection.command(["XGROUP", "CREATE", source.key, "g", "0"]), "OK")
        _ = connection.command(["XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", source.key, ">"])
        _ = connection.command(["XREADGROUP", "GROUP", "g", "c2", "COUNT", "3", "STREAMS", source.key, ">"])
        XCTAssertEqual(connection.command(["XACK", source.key, "g", "3-0"]), "1")

        // Redis keeps the count: 2,500 added, 5 delivered.
        XCTAssertEqual(StreamGroups.backlog(connection, source, group: "g"),
                       GroupBacklog(pending: 4, lag: 2495, consumerPending: ["c1": 2, "c2": 2]))
        XCTAssertNil(StreamGroups.backlog(connection, source, group: "nosuch"))

        // An entry deleted ahead of the group: Redis 7.0 no longer says the lag; it is counted (over 3 XRANGE pages).
        XCTAssertEqual(connection.command(["XDEL", source.key, "100-0"]), "1")
        var info = RedisCommands()
        info.command("XINFO"); info.add("GROUPS"); info.add(source.key)
        XCTAssertEqual(connection.pipeline(info)?.first?.array?.first?.field("lag"), .null, "redis-server gives a lag here: the count is not exercised")
        XCTAssertEqual(StreamGroups.backlog(connection, source, group: "g")?.lag, 2494)

        // Past the counting limit the lag is unknown, not a guess.
        var more = RedisCommands()
        for i in 2501...12_600 { more.command("XADD"); more.add(source.key); more.add("\(i)-0"); more.add("q"); more.add("x") }
        XCTAssertEqual(connection.pipeline(more)?.count, 10_100)
        XCTAssertEqual(StreamGroups.backlog(connection, source, group: "g")?.lag, nil)
        XCTAssertEqual(StreamGroups.backlog(connection, source, group: "g")?.description, "pending 4, lag unknown")

        // Read to the end: nothing is undelivered, whatever was deleted.
        _ = connection.command(["XREADGROUP", "GROUP", "g", "c1", "COUNT", "20000", "STREAMS", source.key, ">"])
        XCTAssertEqual(StreamGroups.backlog(connection, source, group: "g")?.lag, 0)
    }
}
