import Foundation
import Server
import XCTest

/// Idle and slow clients are closed, connections over the limit are told so, a 405 says what is allowed.
final class ServeLimitsTests: XCTestCase {
    func testIdleConnectionsAreClosed() throws {
        let test = try TestServer { $0.idleTimeout = .milliseconds(300) }
        defer { test.server.shutdown() }
        let line = try LineClient(port: test.server.linePort)
        XCTAssertEqual(line.roundTrip(["ads2.tracker.com"]), test.expected(["ads2.tracker.com"]))
        let http = try LineClient(port: test.server.httpPort)
        http.send(Array("GET /health HTTP/1.1\r\nHost: test\r\n\r\n".utf8))
        let start = Date()
        XCTAssertTrue(line.isClosedByPeer())
        XCTAssertTrue(HTTPReply(parsing: http.readAll()).body.contains("\"status\":\"ok\""), "answered, then closed when idle")
        let waited = Date().timeIntervalSince(start)
        XCTAssertTrue((0.2..<5).contains(waited), "closed after \(waited) s")
    }

    func testUnfinishedHTTPRequestIsCutOff() throws {
        let test = try TestServer { $0.requestTimeout = .milliseconds(300) }
        defer { test.server.shutdown() }
        for partial in ["GET /health HTTP/1.1\r\nHost: te", "POST /predict HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n{\"domain\":"] {
            let client = try LineClient(port: test.server.httpPort)
            client.send(Array(partial.utf8))
            let start = Date()
            XCTAssertEqual(client.readAll(), [], "closed without an answer")
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "cut off by the request timeout, not the idle one")
        }
        // Between requests only the idle timeout counts: a keep-alive connection resting longer still works.
        let client = try LineClient(port: test.server.httpPort)
        let request = Array("GET /health HTTP/1.1\r\nHost: test\r\n\r\n".utf8)
        client.send(request)
        XCTAssertEqual(client.readLines(1).first, "HTTP/1.1 200 OK\r")
        usleep(600_000)
        client.send(request + Array("GET /health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".utf8))
        XCTAssertEqual(String(decoding: client.readAll(), as: UTF8.self).components(separatedBy: "HTTP/1.1 200 OK").count, 3)
    }

    func testConnectionsOverTheLimitAreRefusedClearly() throws {
        let test = try TestServer {
            $0.maxConnections = 20
            $0.requestTimeout = .milliseconds(300)
        }
        defer { test.server.shutdown() }
        var open = try (0..<19).map { _ in try LineClient(port: test.server.linePort) }
        for client in open { XCTAssertEqual(client.roundTrip(["ads2.tracker.com"]).count, 1) }
        let http = try LineClient(port: test.server.httpPort)
        http.send(Array("GET /health HTTP/1.1\r\nHost: test\r\n\r\n".utf8))
        XCTAssertEqual(http.readLines(1).first, "HTTP/1.1 200 OK\r", "the 20th connection, HTTP, still served")

        let refused = try LineClient(port: test.server.linePort)
        XCTAssertTrue(refused.send(lines: ["ads2.tracker.com"]))
        XCTAssertEqual(refused.readToEnd(), ["!error too many connections"])
        let refusedHTTP = try httpExchange(port: test.server.httpPort, method: "GET", path: "/health")
        XCTAssertEqual(refusedHTTP.status, 503)
        XCTAssertTrue(refusedHTTP.body.contains("too many connections"), refusedHTTP.body)
        // A refused HTTP client that says nothing does not hold its connection for the idle timeout.
        let silent = try LineClient(port: test.server.httpPort)
        let start = Date()
        XCTAssertEqual(silent.readAll(), [])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertTrue(test.server.metricsText().contains("domcat_refused_connections_total 3"), test.server.metricsText())

        // A slot comes free when a connection closes.
        open.removeLast()
        var served = false
        for _ in 0..<100 where !served {
            served = try LineClient(port: test.server.linePort).roundTrip(["ads2.tracker.com"]) == test.expected(["ads2.tracker.com"])
            if !served { usleep(20_000) }
        }
        XCTAssertTrue(served)
    }

    func testMethodNotAllowedSaysWhatIs() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        for (method, path, allowed) in [("GET", "/predict", "POST"), ("POST", "/health", "GET"), ("DELETE", "/metrics", "GET")] {
            let reply = try httpExchange(port: test.server.httpPort, method: method, path: path)
            XCTAssertEqual(reply.status, 405, "\(method) \(path)")
            XCTAssertEqual(reply.headers["allow"], allowed, "\(method) \(path)")
        }
    }
}
