@testable import Dashboard
import DomainKit
import Foundation
import XCTest

/// The dashboard's counters against a known input: counts, rates, top-k (against exact counts) and windows.
final class TrafficStatsTests: XCTestCase {
    /// A clock the test moves.
    private final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 1_700_000_000
        var seconds: Int { lock.lock(); defer { lock.unlock() }; return now }
        func advance(_ s: Int) { lock.lock(); now += s; lock.unlock() }
    }

    private func stats(_ clock: Clock, window: Int = 600) -> TrafficStats {
        TrafficStats(models: [.init(name: "category", labels: ["ads", "news", "site"], version: "1.0.0"),
                              .init(name: "service", labels: ["google", "none"], version: "2.0.0")],
                     window: window, clock: { clock.seconds })
    }

    /// One answered name as a worker records it (the client as the bytes of its log field).
    private func record(_ tap: TrafficTap, _ name: String, _ labels: [Int32], client: String? = nil) {
        for label in labels { tap.label(label) }
        var client = client
        guard client != nil else { return tap.record(name, client: nil) }
        client!.withUTF8 { tap.record(name, client: $0) }
    }

    private func json(_ stats: TrafficStats) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stats.json().utf8)) as? [String: Any])
    }

    func testCountsRatesLabelsAndClients() throws {
        let clock = Clock()
        let stats = stats(clock)
        let tap = stats.makeTap()
        // Second 0: 3 × ads.example.com (client A), 1 × news.example.org; second 1: 2 × www.example.net.
        for _ in 0..<3 { record(tap, "ads.example.com", [0, 1], client: "10.0.0.1") }
        record(tap, "news.example.org", [1, 1], client: "10.0.0.2")
        stats.absorb(tap)
        clock.advance(1)
        for _ in 0..<2 { record(tap, "www.example.net", [2, 0], client: "10.0.0.3") }
        stats.absorb(tap)

        let s = try json(stats)
        XCTAssertEqual(s["names"] as? Int, 6)
        let perSecond = try XCTUnwrap(s["per_second"] as? [Int])
        XCTAssertEqual(perSecond.count, 3600)
        XCTAssertEqual(Array(perSecond.suffix(2)), [4, 2])
        let models = try XCTUnwrap(s["models"] as? [[String: Any]])
        let category = models[0]
        let top = try XCTUnwrap(category["top_labels"] as? [[String: Any]])
        XCTAssertEqual(top.map { $0["label"] as? String }, ["ads", "site", "news"])
        XCTAssertEqual(top.map { $0["count"] as? Int }, [3, 2, 1])
        let names = try XCTUnwrap(category["top_names"] as? [String: [[String: Any]]])
        XCTAssertEqual(names["ads"]?.first?["name"] as? String, "ads.example.com")
        XCTAssertEqual(names["ads"]?.first?["count"] as? Int, 3)
        XCTAssertEqual((models[1]["totals"] as? [String: Int]) ?? [:], ["google": 2, "none": 4])
        // Only names some model labels ads, tracking or badware count their client.
        let clients = try XCTUnwrap((s["clients"] as? [String: Any])?["top"] as? [[String: Any]])
        XCTAssertEqual(clients.map { $0["client"] as? String }, ["10.0.0.1"])
        XCTAssertEqual(clients.first?["count"] as? Int, 3)
        // The hour's series: one ten-second slot holds all six, split by label (top labels, then "other").
        let series = try XCTUnwrap(category["series"] as? [String: Any])
        let rows = try XCTUnwrap(series["rows"] as? [[Int]])
        XCTAssertEqual(rows.count, 360)
        XCTAssertEqual(rows.last, [3, 2, 1, 0])
        XCTAssertEqual(series["labels"] as? [String], ["ads", "site", "news", "other"])
    }

    func testTopNamesKeepTheHeavyHittersOfAZipfStreamWithinTheirBounds() throws {
        let clock = Clock()
        let stats = stats(clock)
        let tap = stats.makeTap()
        var exact: [String: Int] = [:]
        var state: UInt64 = 42  // a fixed LCG: the same stream every run
        // 20,000 names over 5,000 distinct ones, Zipf-like: name i drawn with weight 1 / (i + 1).
        let weights = (0..<5000).map { 1.0 / Double($0 + 1) }
        let total = weights.reduce(0, +)
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            var r = Double(state >> 11) / Double(1 << 53) * total, i = 0
            while r > weights[i] { r -= weights[i]; i += 1 }
            let name = "n\(i).example.com"
            exact[name, default: 0] += 1
            record(tap, name, [0, 0])
        }
        stats.absorb(tap)
        let s = try json(stats)
        let top = try XCTUnwrap(((s["models"] as? [[String: Any]])?[0]["top_names"] as? [String: [[String: Any]]])?["ads"])
        XCTAssertEqual(top.count, 10)
        for entry in top {
            let name = try XCTUnwrap(entry["name"] as? String), count = try XCTUnwrap(entry["count"] as? Int)
            let error = try XCTUnwrap(entry["error"] as? Int)
            XCTAssertLessThanOrEqual(count - error, exact[name]!, name)
            XCTAssertGreaterThanOrEqual(count, exact[name]!, name)
        }
        // Space-Saving's guarantee: every name counted more than total / capacity times is held, and shown.
        let heavy = exact.filter { $0.value > 20_000 / TrafficStats.topNamesPerLabel }.map(\.key)
        XCTAssertGreaterThanOrEqual(heavy.count, 3)
        XCTAssertTrue(Set(heavy).isSubset(of: top.compactMap { $0["name"] as? String }), "\(heavy)")
    }

    func testTopNamesCoverTheLastOneToTwoWindowsAndSaySince() throws {
        let clock = Clock()
        let start = clock.seconds
        let stats = stats(clock, window: 60)
        let tap = stats.makeTap()
        record(tap, "old.example.com", [1, 1])
        stats.absorb(tap)
        clock.advance(61)  // a new window: the old one is still shown
        record(tap, "new.example.com", [1, 1])
        stats.absorb(tap)
        var names = try XCTUnwrap(((try json(stats)["models"] as? [[String: Any]])?[0]["top_names"] as? [String: [[String: Any]]])?["news"])
        XCTAssertEqual(Set(names.compactMap { $0["name"] as? String }), ["old.example.com", "new.example.com"])
        XCTAssertEqual(try json(stats)["since"] as? Int, start)
        clock.advance(60)  // two windows on: the first is gone
        names = try XCTUnwrap(((try json(stats)["models"] as? [[String: Any]])?[0]["top_names"] as? [String: [[String: Any]]])?["news"] ?? [])
        XCTAssertEqual(names.compactMap { $0["name"] as? String }, ["new.example.com"])
        // The hour's counts are kept regardless.
        XCTAssertEqual(try json(stats)["names"] as? Int, 2)
    }

    /// Two workers count into two shards; the page adds them up. A name one shard let go (or never held while
    /// full) counts that shard's least count as possible, so the bounds still hold.
    func testShardsAddUpWithinTheirBounds() throws {
        let clock = Clock()
        let stats = TrafficStats(models: [.init(name: "category", labels: ["ads", "news"], version: "1")], shards: 2,
                                 clock: { clock.seconds })
        let first = stats.makeTap(), second = stats.makeTap()
        for _ in 0..<100 { record(first, "x.example", [0]) }
        for _ in 0..<50 { record(second, "x.example", [0]) }
        for _ in 0..<7 { record(first, "y.example", [0]) }
        // The second shard's summary fills with 64 other names, 3 each: y is not held there.
        for i in 0..<64 { for _ in 0..<3 { record(second, "z\(i).example", [0]) } }
        stats.absorb(first)
        stats.absorb(second)
        let s = try json(stats)
        XCTAssertEqual(s["names"] as? Int, 100 + 50 + 7 + 64 * 3)
        let models = try XCTUnwrap(s["models"] as? [[String: Any]])
        XCTAssertEqual((models[0]["totals"] as? [String: Int]) ?? [:], ["ads": 100 + 50 + 7 + 64 * 3])
        let top = try XCTUnwrap((models[0]["top_names"] as? [String: [[String: Any]]])?["ads"])
        let byName = Dictionary(uniqueKeysWithValues: top.map { ($0["name"] as! String, $0) })
        XCTAssertEqual(byName["x.example"]?["count"] as? Int, 150)
        XCTAssertEqual(byName["x.example"]?["error"] as? Int, 0)
        // y: 7 in the first shard, and up to 3 (the second's least) it may have had there.
        XCTAssertEqual(byName["y.example"]?["count"] as? Int, 10)
        XCTAssertEqual(byName["y.example"]?["error"] as? Int, 3)
    }

    func testMemoryIsBoundedOverManyDistinctNames() throws {
        let clock = Clock()
        let stats = stats(clock)
        let tap = stats.makeTap()
        for i in 0..<200_000 {
            record(tap, "unique\(i).example.com", [0, 0], client: "10.1.\(i % 250).\(i % 7)")
            if i % 4096 == 0 { stats.absorb(tap); clock.advance(1) }
        }
        stats.absorb(tap)
        let s = try json(stats)
        let top = try XCTUnwrap(((s["models"] as? [[String: Any]])?[0]["top_names"] as? [String: [[String: Any]]])?["ads"])
        XCTAssertLessThanOrEqual(top.count, 10)
        XCTAssertLessThanOrEqual(((s["clients"] as? [String: Any])?["top"] as? [Any])?.count ?? 0, 20)
        XCTAssertEqual(s["names"] as? Int, 200_000)
    }
}

/// Space-Saving's table against exact counts: held counts are upper bounds within their error, on streams
/// that evict constantly (keys whose hashes collide in the table's low bits included).
final class SpaceSavingTests: XCTestCase {
    func testCountsStayWithinTheirBoundsUnderConstantEviction() throws {
        let stats = TrafficStats(models: [.init(name: "m", labels: ["a"], version: "1")], clock: { 1_700_000_000 })
        let tap = stats.makeTap()
        var exact: [String: Int] = [:]
        var state: UInt64 = 7
        for i in 0..<50_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            // Half the names from 20 hot ones, half from 5,000 cold ones.
            let name = i % 2 == 0 ? "hot\(state % 20).example" : "cold\(state % 5000).example"
            exact[name, default: 0] += 1
            tap.label(0)
            tap.record(name, client: nil)
            if i % 1000 == 999 { stats.absorb(tap) }
        }
        stats.absorb(tap)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stats.json().utf8)) as? [String: Any])
        let top = try XCTUnwrap(((json["models"] as? [[String: Any]])?[0]["top_names"] as? [String: [[String: Any]]])?["a"])
        for entry in top {
            let name = try XCTUnwrap(entry["name"] as? String)
            let count = try XCTUnwrap(entry["count"] as? Int), error = try XCTUnwrap(entry["error"] as? Int)
            XCTAssertGreaterThanOrEqual(count, exact[name]!, name)
            XCTAssertLessThanOrEqual(count - error, exact[name]!, name)
        }
        // Every hot name (about 1,250 each, far above 50,000 / 64) is held and listed first.
        XCTAssertEqual(Set(top.prefix(10).compactMap { ($0["name"] as? String)?.hasPrefix("hot") == true ? $0["name"] as? String : nil }).count, 10)
    }

    /// A new name takes the place of the least counted one, also after counts have reordered the places; it
    /// inherits that count as its error.
    func testANewNameEvictsTheLeastCountedHeldOne() {
        let summary = SpaceSaving(capacity: 64)
        func count(_ name: String, _ times: Int) {
            let bytes = Array(name.utf8)
            bytes.withUnsafeBufferPointer { name in summary.add(0, FNV1a64.hash(name), by: times, name: name) }
        }
        // 64 names (the capacity), counted 10...73 times in a scrambled order.
        for i in 0..<64 { count("n\((i * 37) % 64).example", 10 + (i * 37) % 64) }
        // The least (n0, 10) grows past every other, one at a time; n1 (11) is now the least.
        for _ in 0..<100 { count("n0.example", 1) }
        count("new.example", 2)
        let held = Dictionary(uniqueKeysWithValues: summary.top(0, 64).map { ($0.name, $0) })
        XCTAssertEqual(held.count, 64)
        XCTAssertNil(held["n1.example"])
        XCTAssertEqual(held["new.example"]?.count, 13)
        XCTAssertEqual(held["new.example"]?.error, 11)
        XCTAssertEqual(held["n0.example"]?.count, 110)
        // The next new name takes n2's place (12), the least now.
        count("next.example", 1)
        XCTAssertNil(Dictionary(uniqueKeysWithValues: summary.top(0, 64).map { ($0.name, $0) })["n2.example"])
        XCTAssertEqual(summary.total(0), (10...73).reduce(0, +) + 100 + 2 + 1)
    }
}
