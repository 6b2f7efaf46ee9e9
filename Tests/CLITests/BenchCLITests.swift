import Foundation
import TestSupport
import XCTest

/// `domcat bench` against a `domcat serve` this test starts on 127.0.0.1 (free ports), each run a fraction of a second.
final class BenchCLITests: CLITestCase {
    /// A running `domcat serve`; stopped (SIGTERM) by `stop()`.
    final class Serve {
        let process = Process()
        let linePort = freePort(), httpPort = freePort()
        let log: String

        init(model: String, directory: String) throws {
            log = directory + "/serve.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.executableURL = URL(fileURLWithPath: CLITestCase.binary)
            process.arguments = ["serve", model, "--listen", "127.0.0.1:\(linePort)", "--http", "127.0.0.1:\(httpPort)",
                                 "--workers", "1", "--lru-entries", "10000"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while !(canConnect(port: linePort) && canConnect(port: httpPort)) {
                guard process.isRunning, Date() < deadline else {
                    throw ServeDidNotStart(message: "domcat serve did not listen on \(linePort)/\(httpPort): "
                                           + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
                }
                usleep(20_000)
            }
        }

        /// SIGTERM, then the exit status (a stop request ends the server within 5 s by design).
        func stop() -> Int32 {
            guard process.isRunning else { return process.terminationStatus }
            process.terminate()
            let deadline = Date().addingTimeInterval(8)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
    }

    struct ServeDidNotStart: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// `GET path` over a plain socket; the body.
    func httpGet(port: Int, path: String) throws -> String {
        try XCTUnwrap(loopbackGet(port: port, path: path), "nothing listens on \(port)")
    }

    /// The value of one Prometheus sample line, e.g. `domcat_requests_total{protocol="line"}`.
    func metric(_ name: String, port: Int) throws -> Double {
        let body = try httpGet(port: port, path: "/metrics")
        guard let line = body.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }), let value = Double(line.split(separator: " ").last!) else {
            XCTFail("no \(name) in /metrics: \(body.prefix(500))")
            return .nan
        }
        return value
    }

    func report(_ r: Result, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout, file: file, line: line)
    }

    func testClosedLoopOnTheLineProtocolCountsEveryAnswer() throws {
        let server = try Serve(model: try tinyLinearModel(), directory: directory)
        let before = try metric("domcat_requests_total{protocol=\"line\"}", port: server.httpPort)
        let r = try domcat(["bench", "--line", "127.0.0.1:\(server.linePort)", "--connections", "2", "--pipeline", "4", "--seconds", "0.5",
                            "--warmup", "0", "--keys", "zipf", "--zipf-names", "1000", "--json"])
        let json = try report(r)
        let requests = try XCTUnwrap(json["requests"] as? Int)
        XCTAssertGreaterThan(requests, 0)
        XCTAssertEqual(json["errors"] as? Int, 0)
        XCTAssertEqual(json["names"] as? Int, requests, "one name a line")
        XCTAssertEqual(json["mode"] as? String, "closed loop")
        XCTAssertEqual(json["connections"] as? Int, 2)
        XCTAssertEqual(json["pipeline"] as? Int, 4)
        XCTAssertEqual(json["target"] as? String, "line 127.0.0.1:\(server.linePort)")
        let p50 = try XCTUnwrap(json["p50"] as? Double), p99 = try XCTUnwrap(json["p99"] as? Double), maximum = try XCTUnwrap(json["max"] as? Double)
        XCTAssertGreaterThan(p50, 0)
        XCTAssertLessThanOrEqual(p50, p99)
        XCTAssertLessThanOrEqual(p99, maximum)
        let perSecond = Double(requests) / (json["seconds"] as? Double ?? .nan)
        XCTAssertEqual(json["requestsPerSecond"] as? Double ?? 0, perSecond, accuracy: max(1, 0.05 * perSecond))
        // The server answered at least every request bench counted (bench also stops with some in flight).
        let after = try metric("domcat_requests_total{protocol=\"line\"}", port: server.httpPort)
        XCTAssertGreaterThanOrEqual(after - before, Double(requests))
        XCTAssertEqual(try metric("domcat_request_errors_total", port: server.httpPort), 0)
        XCTAssertEqual(server.stop(), 0, "serve ends cleanly on SIGTERM")
    }

    /// `--tagged`: tagged lines, each answer timed by its tag; every request answered, none unmatched.
    func testTaggedLines() throws {
        let server = try Serve(model: try tinyLinearModel(), directory: directory)
        let json = try report(try domcat(["bench", "--line", "127.0.0.1:\(server.linePort)", "--tagged", "--connections", "2", "--pipeline", "16",
                                          "--seconds", "0.5", "--warmup", "0", "--keys", "zipf", "--zipf-names", "500", "--json"]))
        XCTAssertGreaterThan(json["requests"] as? Int ?? 0, 0)
        XCTAssertEqual(json["errors"] as? Int, 0)
        XCTAssertEqual(json["target"] as? String, "tagged line 127.0.0.1:\(server.linePort)")
        XCTAssertGreaterThan(json["p50"] as? Double ?? 0, 0)
        XCTAssertEqual(try domcat(["bench", "--http", "127.0.0.1:1", "--tagged"]).status, 2)
        XCTAssertEqual(server.stop(), 0)
    }

    func testTextReportOpenLoopAndHTTPBatches() throws {
        let server = try Serve(model: try tinyLinearModel(), directory: directory)
        let text = try domcat(["bench", "--line", "127.0.0.1:\(server.linePort)", "--connections", "1", "--seconds", "0.3", "--warmup", "0"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let out = lines(text.stdout)
        XCTAssertEqual(out.count, 3, text.stdout)
        XCTAssertEqual(out.first, "line 127.0.0.1:\(server.linePort) closed loop, 1 connections, pipeline 1")
        XCTAssertTrue(out[1].contains(" requests (") && out[1].contains(" 0 errors) in "), out[1])
        XCTAssertTrue(out[2].hasPrefix("latency µs: p50 "), out[2])

        // Open loop: the requests follow the rate, not the server's speed.
        let open = try report(try domcat(["bench", "--line", "127.0.0.1:\(server.linePort)", "--rate", "400", "--seconds", "0.5", "--warmup", "0",
                                          "--connections", "2", "--json"]))
        XCTAssertEqual(open["mode"] as? String, "open loop")
        XCTAssertEqual(open["errors"] as? Int, 0)
        XCTAssertEqual(Double(open["requests"] as? Int ?? 0), 200, accuracy: 40)

        // HTTP, 3 names a request.
        let http = try report(try domcat(["bench", "--http", "127.0.0.1:\(server.httpPort)", "--batch", "3", "--connections", "2", "--seconds", "0.3",
                                          "--warmup", "0", "--json"]))
        let requests = try XCTUnwrap(http["requests"] as? Int)
        XCTAssertGreaterThan(requests, 0)
        XCTAssertEqual(http["errors"] as? Int, 0)
        XCTAssertEqual(http["names"] as? Int, 3 * requests)
        XCTAssertEqual(http["target"] as? String, "http 127.0.0.1:\(server.httpPort) batch 3")

        // Replayed keys from a file.
        let keys = write("keys.txt", "ads1.adserv1.com\nwww.shop2.org\n")
        let replay = try report(try domcat(["bench", "--line", "127.0.0.1:\(server.linePort)", "--replay", keys, "--connections", "1", "--seconds", "0.2",
                                            "--warmup", "0", "--json"]))
        XCTAssertGreaterThan(replay["requests"] as? Int ?? 0, 0)
        XCTAssertEqual(replay["errors"] as? Int, 0)
        XCTAssertEqual(server.stop(), 0)
    }

    func testUsageErrorsAndAServerThatIsNotThere() throws {
        let both = try domcat(["bench", "--line", "127.0.0.1:1", "--http", "127.0.0.1:2"])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.stderr.contains("give exactly one of --line, --http, --redis"), both.stderr)
        let neither = try domcat(["bench"])
        XCTAssertEqual(neither.status, 2)
        let keys = try domcat(["bench", "--line", "127.0.0.1:1", "--keys", "sequential"])
        XCTAssertEqual(keys.status, 2)
        XCTAssertTrue(keys.stderr.contains("'sequential' is invalid for '--keys"), keys.stderr)
        let noReplay = try domcat(["bench", "--line", "127.0.0.1:1", "--replay", directory + "/absent.txt"])
        XCTAssertEqual(noReplay.status, 4)

        // Nothing listens on a port just found free: a clear error, quickly, not a hang.
        let port = freePort()
        let start = Date()
        let refused = try domcat(["bench", "--line", "127.0.0.1:\(port)", "--connections", "1", "--seconds", "0.5", "--warmup", "0"])
        XCTAssertEqual(refused.status, 4)
        XCTAssertTrue(refused.stderr.contains("cannot connect to 127.0.0.1:\(port)"), refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
