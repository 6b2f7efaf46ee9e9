import Foundation
import Server
import XCTest

/// Clients that shut their write side after the requests (`nc -N`, `shutdown(SHUT_WR)`) still get every answer.
final class ServeHalfCloseTests: XCTestCase {
    func testEveryLineBeforeAHalfCloseIsAnswered() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        // Uncached: every answer comes back from a worker after the half-close was seen.
        let names = TinyModel.names(5000, tag: "half")
        let client = try LineClient(port: test.server.linePort)
        XCTAssertTrue(client.send(lines: names))
        client.halfClose()
        let answers = client.readToEnd()
        XCTAssertEqual(answers.count, names.count)
        XCTAssertTrue(answers == test.expected(names), "answers differ from classify's")
    }

    func testLastLineWithoutNewlineCountsOnHalfClose() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        let warm = try LineClient(port: test.server.linePort)
        XCTAssertEqual(warm.roundTrip(["ads2.tracker.com"]), test.expected(["ads2.tracker.com"]))
        // A fresh name (worker) and a cached one (answered on the event loop), each as the unterminated last line.
        for names in [["ads1.tracker.com", "news3.daily.com"], ["news5.daily.com", "ads2.tracker.com"], ["ads2.tracker.com"]] {
            let client = try LineClient(port: test.server.linePort)
            client.send(Array(names.joined(separator: "\n").utf8))
            client.halfClose()
            XCTAssertEqual(client.readToEnd(), test.expected(names))
        }
        // Nothing but the half-close: closed, no answer.
        let silent = try LineClient(port: test.server.linePort)
        silent.halfClose()
        XCTAssertEqual(silent.readToEnd(), [])
    }

    func testHTTPRequestThenHalfCloseGetsItsResponse() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        let reply = try httpExchange(port: test.server.httpPort, method: "POST", path: "/predict",
                                     body: "{\"domains\":[\"ads7.tracker.com\",\"news8.daily.com\"]}", halfClose: true)
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertTrue(reply.body.contains("\"label\":\"ads\""), reply.body)
        let health = try httpExchange(port: test.server.httpPort, method: "GET", path: "/health", halfClose: true)
        XCTAssertEqual(health.status, 200, health.body)
    }

    /// The answers and the error for an over-long line reach a client that keeps sending after it and reads
    /// only later: a close with unread input would reset the connection and drop what the server still had queued.
    func testOverLongLineErrorReachesAClientStillSending() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        let names = TinyModel.names(2000, tag: "long")
        let client = try LineClient(port: test.server.linePort, receiveBuffer: 4096)
        let sent = DispatchSemaphore(value: 0)
        Thread {
            client.send(lines: names)
            client.send([UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [0x0A])
            let more = Array(TinyModel.names(1000).map { $0 + "\n" }.joined().utf8)
            let until = Date().addingTimeInterval(1)
            while Date() < until, client.send(more) {}
            sent.signal()
        }.start()
        sent.wait()
        let reply = client.readToEnd()
        XCTAssertEqual(reply.count, names.count + 1)
        XCTAssertTrue(reply.prefix(names.count) == test.expected(names)[...], "answers before the long line")
        XCTAssertTrue(reply.last?.contains("!error\tline over 65536 bytes; closing") ?? false, "\(reply.suffix(2))")
        XCTAssertEqual(try LineClient(port: test.server.linePort).roundTrip(["ads2.tracker.com"]), test.expected(["ads2.tracker.com"]))
    }
}
