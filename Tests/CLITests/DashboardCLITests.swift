import Foundation
import TestSupport
import XCTest

/// `classify --dashboard` fed a log dnsmasq wrote: the JSON figures agree with what classify printed, the page
/// renders them in a real browser (Debian's chromium, headless) without a script error, and the search box's
/// endpoint explains a name.
final class DashboardCLITests: CLITestCase {
    static let chromium = "/usr/bin/chromium"
    var dnsmasqLog: String { Self.packageRoot.appendingPathComponent("Tests/StreamingTests/Fixtures/dnsmasq.log").path }

    /// A classify process whose stdin stays open (so its page stays up) until `finish`.
    private final class LiveClassify {
        let process = Process()
        let input = Pipe(), output = Pipe(), errors = Pipe()
        private var buffered = Data()

        init(binary: String, arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// Output lines until there are `count` of them (one per input line).
        func lines(_ count: Int) -> [String] {
            while buffered.filter({ $0 == 0x0A }).count < count {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffered.append(chunk)
            }
            return String(decoding: buffered, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        func finish() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    private func get(_ port: Int, _ path: String) throws -> [String: Any] {
        let body = try XCTUnwrap(loopbackGet(port: port, path: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], body)
    }

    func testTheFiguresAgreeWithTheOutputAndThePageRendersThem() throws {
        let model = try tinyLinearModel()
        let port = freePort()
        let classify = try LiveClassify(binary: Self.binary, arguments: ["classify", model, "--dashboard", "127.0.0.1:\(port)",
                                                                         "--classify-all-names", "--skip-no-query"])
        defer { classify.finish() }
        let log = try String(contentsOfFile: dnsmasqLog, encoding: .utf8)
        try classify.input.fileHandleForWriting.write(contentsOf: Data(log.utf8))
        let queries = log.split(separator: "\n").filter { $0.contains(": query[") }.count
        // ts, client, qtype, name, label, p
        let answered = classify.lines(queries).map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(answered.count, queries)
        for _ in 0..<100 where !canConnect(port: port) { usleep(20_000) }

        let stats = try get(port, "/api/stats")
        XCTAssertEqual(stats["names"] as? Int, queries)
        XCTAssertEqual((stats["per_second"] as? [Int])?.reduce(0, +), queries)
        let model0 = try XCTUnwrap((stats["models"] as? [[String: Any]])?.first)
        var expected: [String: Int] = [:]
        for row in answered { expected[row[4], default: 0] += 1 }
        XCTAssertEqual(model0["totals"] as? [String: Int], expected)
        let risky = answered.filter { ["ads", "tracking"].contains($0[4]) }
        let clients = try XCTUnwrap((stats["clients"] as? [String: Any])?["top"] as? [[String: Any]])
        XCTAssertEqual(clients.first?["count"] as? Int ?? 0, risky.count)
        if !risky.isEmpty { XCTAssertEqual(clients.first?["client"] as? String, "127.0.0.1") }

        let explained = try get(port, "/api/explain?name=www.domcat.test")
        let answer = try XCTUnwrap((explained["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(answer["label"] as? String, answered.first { $0[3] == "www.domcat.test" }?[4])
        XCTAssertFalse((answer["why"] as? [Any] ?? []).isEmpty)
        XCTAssertNotNil(try get(port, "/api/explain?name=not..a..name")["error"])
        XCTAssertNotNil(try get(port, "/nowhere")["error"])

        // The page in a real browser: the figures are in the rendered DOM, and no script failed.
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else { throw XCTSkip("chromium not installed (make test installs it)") }
        let dom = try browser(["--dump-dom", "http://127.0.0.1:\(port)/"])
        XCTAssertTrue(dom.contains("<body data-errors=\"0\">"), String(dom.prefix(2000)))
        XCTAssertTrue(dom.contains("<b id=\"total\">\(queries)</b>"), "the header's count")
        let top = try XCTUnwrap((model0["top_labels"] as? [[String: Any]])?.first)
        XCTAssertTrue(dom.contains("data-label=\"\(top["label"] as! String)\"><td>\(top["label"] as! String)</td><td class=\"n\">\(top["count"] as! Int)</td>"),
                      "the top label's row")
        XCTAssertTrue(dom.contains("www.domcat.test") || dom.contains("mail.domcat.test"), "top names")
        let screenshot = directory + "/dashboard.png"
        _ = try browser(["--screenshot=\(screenshot)", "--window-size=1280,1200", "http://127.0.0.1:\(port)/"])
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertGreaterThan(png.count, 10_000)
    }

    func testADashboardAddressInUseIsAClearError() throws {
        let model = try tinyLinearModel()
        let port = freePort()
        let holder = try LiveClassify(binary: Self.binary, arguments: ["classify", model, "--dashboard", "127.0.0.1:\(port)"])
        defer { holder.finish() }
        for _ in 0..<100 where !canConnect(port: port) { usleep(20_000) }
        let r = try domcat(["classify", model, "--dashboard", "127.0.0.1:\(port)"], stdin: Data("a.com\n".utf8))
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--dashboard"), r.stderr)
        XCTAssertEqual(try domcat(["classify", model, "--dashboard", "nowhere"], stdin: Data()).status == 0, false)
    }

    /// Headless chromium with a few seconds of virtual time, so the page's first refresh has run.
    private func browser(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--virtual-time-budget=4000",
                             "--user-data-dir=\(directory!)/chromium"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// `classify` reading a file shows a progress line on stderr when asked (`--progress`; by default only on a
/// terminal), erased at the end; never without it.
final class ClassifyProgressCLITests: CLITestCase {
    func testProgressLineWhenAskedAndNoneOtherwise() throws {
        let model = try tinyLinearModel()
        let names = (0..<30_000).map { "ads\($0).adserv\($0 % 9).com" }.joined(separator: "\n") + "\n"
        let input = write("names.txt", names)
        let shown = try domcat(["classify", model, "-i", input, "--progress", "--threads", "1"])
        XCTAssertEqual(shown.status, 0)
        XCTAssertTrue(shown.stderr.contains("lines/s"), shown.stderr)
        XCTAssertTrue(shown.stderr.contains("%, ETA") || shown.stderr.contains("100%"), "the share of the file read: \(shown.stderr)")
        XCTAssertTrue(shown.stderr.contains("\r\u{1B}[K"), "erased at the end")
        XCTAssertEqual(shown.stdout.split(separator: "\n").count, 30_000)
        let quiet = try domcat(["classify", model, "-i", input, "--threads", "1"])
        XCTAssertFalse(quiet.stderr.contains("\r"), "stderr is not a terminal: no progress line")
        XCTAssertFalse(quiet.stderr.contains("\u{1B}["))
        XCTAssertEqual(quiet.stdout, shown.stdout)
    }
}
