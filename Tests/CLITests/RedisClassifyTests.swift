import Foundation
import TestSupport
import XCTest

/// `domcat classify --redis`: a second run is answered from Redis; with Redis dead the answers stay the same.
final class RedisClassifyTests: CLITestCase {
    func testSecondRunHitsRedisAndOutageDegrades() throws {
        let redis = try RedisProcess()
        var corpus: [String] = []
        for i in 0..<100 { corpus.append("ads\(i).example.com\tads"); corpus.append("www.site\(i).org\tsite") }
        let model = directory + "/m.dcm"
        XCTAssertEqual(try domcat(["train", write("c.tsv", corpus.joined(separator: "\n")), "--out", model,
                                   "--bucket-bits", "12", "--dim", "8", "--epochs", "5"]).status, 0)
        let names = Data((0..<500).map { "host\($0).example.com\n" }.joined().utf8)
        let url = "redis://127.0.0.1:\(redis.port)"
        let first = try domcat(["classify", model, "--redis", url], stdin: names)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(first.stderr.contains("(redis"), first.stderr)
        // `always`: every name is read from Redis. (`auto`, the default, reads only while that beats this tiny
        // model, so how much it reads depends on the machine; its answers are the same either way.)
        let second = try domcat(["classify", model, "--redis", url, "--redis-reads", "always"], stdin: names)
        XCTAssertEqual(second.stdout, first.stdout)
        XCTAssertTrue(second.stderr.contains("(redis 100.0%)"), second.stderr)
        let third = try domcat(["classify", model, "--redis", url], stdin: names)
        XCTAssertEqual(third.stdout, first.stdout)
        redis.kill()
        let degraded = try domcat(["classify", model, "--redis", url, "--redis-timeout-ms", "20"], stdin: names)
        XCTAssertEqual(degraded.status, 0, degraded.stderr)
        XCTAssertEqual(degraded.stdout, first.stdout)
        XCTAssertTrue(degraded.stderr.lowercased().contains("redis"), degraded.stderr)
    }
}
