@testable import Cache
import XCTest

/// Redis Cluster's key slots, against the values Redis itself gives (CLUSTER KEYSLOT) and its hash-tag rules.
final class HashSlotTests: XCTestCase {
    func testSlotsMatchRedis() {
        XCTAssertEqual(HashSlot.crc16(Array("123456789".utf8)[...]), 0x31C3)
        XCTAssertEqual(HashSlot.of("foo"), 12182)
        XCTAssertEqual(HashSlot.of("bar"), 5061)
        XCTAssertEqual(HashSlot.of("{dns}:in"), HashSlot.of("{dns}:out"))
        XCTAssertEqual(HashSlot.of("{dns}:in"), HashSlot.of("dns"))
        // An empty tag, or a `}` before any `{`, is no tag: the whole key is hashed.
        XCTAssertEqual(HashSlot.of("{}foo"), Int(HashSlot.crc16(Array("{}foo".utf8)[...]) % 16384))
        XCTAssertEqual(HashSlot.of("foo{}{bar}"), Int(HashSlot.crc16(Array("foo{}{bar}".utf8)[...]) % 16384))
        XCTAssertEqual(HashSlot.of("foo{{bar}}zap"), HashSlot.of("{bar"))
    }

    func testStreamAddresses() {
        let a = StreamAddress(url: "redis://127.0.0.1:7000/{dns}:in")
        XCTAssertEqual(a?.endpoint, .tcp(host: "127.0.0.1", port: 7000))
        XCTAssertEqual(a?.key, "{dns}:in")
        XCTAssertEqual(StreamAddress(url: "redis://h/k/with/slashes")?.key, "k/with/slashes")
        XCTAssertNil(StreamAddress(url: "redis://127.0.0.1:7000"))
        XCTAssertNil(StreamAddress(url: "redis://127.0.0.1:7000/"))
        XCTAssertNil(StreamAddress(url: "unix:///run/redis.sock"))
    }
}
