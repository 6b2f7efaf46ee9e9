import Foundation
import Server
import TestSupport
import XCTest

/// `/admin/reload` is off without `--admin-token`; with it: the bearer token, JSON only, one reload a second.
final class ServeAdminTests: XCTestCase {
    func testAdminEndpointsAreOffWithoutAToken() throws {
        let test = try TestServer()
        defer { test.server.shutdown() }
        XCTAssertEqual(try adminReload(port: test.server.httpPort).status, 404)
        XCTAssertEqual(try adminReload(port: test.server.httpPort, token: "").status, 404)
        XCTAssertTrue(test.server.metricsText().contains("domcat_model_reloads_total{result=\"ok\"} 0"), test.server.metricsText())
    }

    func testReloadNeedsTheTokenJSONAndPatience() throws {
        let test = try TestServer { $0.adminToken = Array(adminToken.utf8) }
        defer { test.server.shutdown() }
        let port = test.server.httpPort
        let none = try httpExchange(port: port, method: "POST", path: "/admin/reload", body: "{}")
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.headers["www-authenticate"], "Bearer")
        for wrong in [String(adminToken.dropLast()) + "X", String(adminToken.dropLast()), adminToken + "x", "", "x"] {
            XCTAssertEqual(try adminReload(port: port, token: wrong).status, 401, wrong)
        }
        let basic = try httpExchange(port: port, method: "POST", path: "/admin/reload", body: "{}", headers: ["Authorization": "Basic \(adminToken)"])
        XCTAssertEqual(basic.status, 401)
        // What a web page can send to 127.0.0.1 without a preflight: refused.
        for type in ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", ""] {
            XCTAssertEqual(try adminReload(port: port, contentType: type).status, 415, type)
        }
        XCTAssertTrue(test.server.metricsText().contains("domcat_model_reloads_total{result=\"ok\"} 0"), "refused requests read no model")

        let ok = try adminReload(port: port, contentType: "application/json; charset=utf-8")
        XCTAssertEqual(ok.status, 200, ok.body)
        XCTAssertTrue(ok.body.contains(test.model.digest), ok.body)
        let soon = try adminReload(port: port)
        XCTAssertEqual(soon.status, 429, soon.body)
        XCTAssertEqual(soon.headers["retry-after"], "1")
        usleep(1_050_000)
        XCTAssertEqual(try adminReload(port: port).status, 200)
        XCTAssertTrue(test.server.metricsText().contains("domcat_model_reloads_total{result=\"ok\"} 2"), test.server.metricsText())

        let get = try httpExchange(port: port, method: "GET", path: "/admin/reload")
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.headers["allow"], "POST")
    }
}

/// The command line: the token comes from a file, a bad file is a clear error, SIGHUP still reloads.
final class ServeAdminCommandTests: XCTestCase {
    func testTokenFileAndSIGHUP() throws {
        let dir = try temporaryDirectory()
        let model = dir.appendingPathComponent("m.dcm").path
        try TinyModel.write(to: model)
        let tokenFile = dir.appendingPathComponent("token").path
        try Data("short\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let (status, message) = try runDomcat(["serve", model, "--admin-token", tokenFile])
        XCTAssertEqual(status, 4, message)
        XCTAssertTrue(message.contains("at least 16 characters"), message)
        XCTAssertEqual(try runDomcat(["serve", model, "--admin-token", tokenFile + ".missing"]).status, 4)

        try Data("\(adminToken)\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let port = freePort()
        let process = try startDomcat(["serve", model, "--http", "127.0.0.1:\(port)", "--admin-token", tokenFile])
        defer { process.terminate(); process.waitUntilExit() }
        for _ in 0..<500 where !canConnect(port: port) { usleep(10_000) }
        XCTAssertEqual(try adminReload(port: port, token: "wrong-token-0123456789").status, 401)
        XCTAssertEqual(try adminReload(port: port).status, 200)
        kill(process.processIdentifier, SIGHUP)
        var reloads = ""
        for _ in 0..<200 where !reloads.contains("domcat_model_reloads_total{result=\"ok\"} 2") {
            usleep(10_000)
            reloads = try httpRequest(port: port, method: "GET", path: "/metrics").1
        }
        XCTAssertTrue(reloads.contains("domcat_model_reloads_total{result=\"ok\"} 2"), "SIGHUP reloads too: \(reloads)")
    }
}
