import Foundation
import Server
import TestSupport
import XCTest

/// `serve --dashboard`: names answered by the workers and from the LRU on the event loop are all counted, and
/// the page and its API are on the HTTP listener; without it they are not there.
final class ServeDashboardTests: XCTestCase {
    private func stats(_ port: Int) throws -> [String: Any] {
        let (status, body) = try httpRequest(port: port, method: "GET", path: "/api/stats")
        XCTAssertEqual(status, 200, body)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    func testEveryAnsweredNameIsCountedAndThePageIsServed() throws {
        let test = try TestServer { $0.dashboard = true }
        defer { test.server.shutdown() }
        let names = TinyModel.names(50, tag: "dash")
        let client = try LineClient(port: test.server.linePort)
        XCTAssertEqual(client.roundTrip(names).count, names.count)  // workers
        XCTAssertEqual(client.roundTrip(names).count, names.count)  // the LRU, on the event loop
        let (_, predicted) = try httpRequest(port: test.server.httpPort, method: "POST", path: "/predict", body: "{\"domains\":[\"ads1dash.tracker.com\"]}")
        XCTAssertTrue(predicted.contains("results"))

        var figures = try stats(test.server.httpPort)
        for _ in 0..<50 where figures["names"] as? Int != 2 * names.count + 1 {  // the read's tally lands after its reply
            usleep(20_000)
            figures = try stats(test.server.httpPort)
        }
        XCTAssertEqual(figures["names"] as? Int, 2 * names.count + 1)
        let totals = try XCTUnwrap((figures["models"] as? [[String: Any]])?.first?["totals"] as? [String: Int])
        let expected = (names + names + ["ads1dash.tracker.com"]).reduce(into: [String: Int]()) { counts, name in
            counts[test.model.classifier.labels[Int(test.model.classifier.classify(.init(normalised: name), k: 1)[0].label)], default: 0] += 1
        }
        XCTAssertEqual(totals, expected)
        XCTAssertNotNil((figures["latency"] as? [String: Any])?["seconds"], "batch latencies of the worker path")
        XCTAssertNotNil((figures["cache"] as? [String: Any])?["hit_ratio"])

        let (status, page) = try httpRequest(port: test.server.httpPort, method: "GET", path: "/")
        XCTAssertEqual(status, 200)
        XCTAssertTrue(page.hasPrefix("<!doctype html>"))
        let (_, explained) = try httpRequest(port: test.server.httpPort, method: "GET", path: "/api/explain?name=ads3.tracker.com")
        XCTAssertTrue(explained.contains("\"why\":[{"), explained)
    }

    func testWithoutTheFlagThereIsNoPage() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        XCTAssertEqual(try httpRequest(port: test.server.httpPort, method: "GET", path: "/").0, 404)
        XCTAssertEqual(try httpRequest(port: test.server.httpPort, method: "GET", path: "/api/stats").0, 404)
    }
}
