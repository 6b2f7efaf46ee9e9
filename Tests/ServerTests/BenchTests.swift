import Bench
import Foundation
import Server
import TestSupport
import XCTest

/// The load generator against a real server: every request answered, counted, and its latency recorded.
final class LoadGeneratorTests: XCTestCase {
    func testClosedAndOpenLoopCountEveryReply() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        try TinyModel.write(to: path)
        let server = try Server(config: serveConfig(modelPath: path))
        defer { server.shutdown() }
        var config = BenchConfig(address: "127.0.0.1:\(server.linePort)")
        config.connections = 4
        config.pipeline = 8
        config.seconds = 0.5
        config.keys = .zipf(count: 1000, exponent: 1.0)
        let closed = try LoadGenerator.run(config)
        XCTAssertGreaterThan(closed.requests, 0)
        XCTAssertEqual(closed.errors, 0)
        XCTAssertGreaterThan(closed.p50, 0)
        XCTAssertLessThanOrEqual(closed.p50, closed.max)

        config.rate = 2000
        config.keys = .unique
        let open = try LoadGenerator.run(config)
        XCTAssertEqual(open.errors, 0)
        XCTAssertGreaterThan(open.requests, 500)

        var http = BenchConfig(address: "127.0.0.1:\(server.httpPort)")
        http.target = .http(batch: 5)
        http.connections = 2
        http.seconds = 0.3
        let report = try LoadGenerator.run(http)
        XCTAssertEqual(report.errors, 0)
        XCTAssertEqual(report.names, report.requests * 5)
    }
}
