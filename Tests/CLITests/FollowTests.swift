import Foundation
import XCTest

/// `domcat classify -f LOG` on a log that grows and is rotated (rename + new file, or copytruncate) under it,
/// or does not exist yet.
final class FollowTests: CLITestCase {
    var outPath: String { directory + "/out.tsv" }

    func trainModel() throws -> String {
        var corpus: [String] = []
        for i in 0..<50 { corpus.append("ads\(i).example.com\tads"); corpus.append("www.site\(i).org\tsite") }
        let model = directory + "/m.dcm"
        XCTAssertEqual(try domcat(["train", write("c.tsv", corpus.joined(separator: "\n")), "--out", model,
                                   "--bucket-bits", "12", "--dim", "8", "--epochs", "2"]).status, 0)
        return model
    }

    /// `classify -f log` running in the background (until the test ends), writing to `outPath`.
    func follow(_ log: String, model: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["classify", model, "-f", log, "--input", "dnsmasq", "--threads", "2"]
        FileManager.default.createFile(atPath: outPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { process.terminate() } }
        return process
    }

    /// A dnsmasq log of host0…host99 followed, its 100 lines out already.
    func followHundredLines() throws -> String {
        let log = directory + "/dnsmasq.log"
        FileManager.default.createFile(atPath: log, contents: Data((0..<100).map { query($0) + "\n" }.joined().utf8))
        _ = try follow(log, model: try trainModel())
        XCTAssertEqual(waitForLines(100).count, 100)
        return log
    }

    func append(_ path: String, _ lines: [String]) {
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        handle.closeFile()
    }

    func query(_ i: Int) -> String { "Nov 23 15:55:53 dnsmasq[1]: query[A] host\(i).example.com from 127.0.0.1" }

    func waitForLines(_ n: Int) -> [String] {
        let deadline = Date().addingTimeInterval(20)
        var lines: [String] = []
        while Date() < deadline {
            lines = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
                .split(separator: "\n").map(String.init)
            if lines.count >= n { break }
            usleep(50_000)
        }
        return lines
    }

    func names(_ lines: [String]) -> [String] { lines.map { String($0.split(separator: "\t")[3]) } }

    func testFollowAcrossRotationLosesAndRepeatsNothing() throws {
        let log = try followHundredLines()
        append(log, (100..<150).map(query))
        XCTAssertEqual(waitForLines(150).count, 150)
        // Rotation: the old file gets a last line, is renamed away, a new file appears.
        append(log, [query(150)])
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        FileManager.default.createFile(atPath: log, contents: Data((151..<200).map { query($0) + "\n" }.joined().utf8))
        let lines = waitForLines(200)
        usleep(300_000)
        let final = waitForLines(200)
        XCTAssertEqual(final.count, 200, "nothing repeated")
        XCTAssertEqual(names(lines), (0..<200).map { "host\($0).example.com" })
    }

    /// copytruncate between two polls: lines appended, then the file truncated and written again past the
    /// offset the reader had reached, all before it looks again. Reading on from that offset gave half a
    /// line and lost the new lines before it; the bytes before the offset tell the new content apart.
    func testFollowReadsATruncatedAndRewrittenFileFromItsStart() throws {
        let log = try followHundredLines()
        usleep(250_000)  // the reader waits at the end of the file

        func fresh(_ i: Int) -> String { "Nov 23 16:00:00 dnsmasq[1]: query[AAAA] fresh\(i).example.org from 127.0.0.2" }
        append(log, (100..<105).map(query))
        let handle = FileHandle(forWritingAtPath: log)!
        handle.truncateFile(atOffset: 0)
        handle.write(Data((0..<300).map { fresh($0) + "\n" }.joined().utf8))
        handle.closeFile()

        var lines = waitForLines(400)
        let deadline = Date().addingTimeInterval(10)
        while !(lines.last ?? "").contains("fresh299."), Date() < deadline { usleep(50_000); lines = waitForLines(lines.count + 1) }
        XCTAssertFalse(lines.contains { $0.contains("!error") || $0.contains("!noquery") }, "no fragment of a line: \(lines.filter { $0.contains("!") }.prefix(3))")
        XCTAssertEqual(Array(names(lines).suffix(300)), (0..<300).map { "fresh\($0).example.org" })
        XCTAssertEqual(Array(names(lines).prefix(100)), (0..<100).map { "host\($0).example.com" })
    }

    /// Like `tail -F`: a log that does not exist yet is waited for, not an error.
    func testFollowWaitsForAFileThatIsNotThereYet() throws {
        let log = directory + "/later.log"
        let process = try follow(log, model: try trainModel())
        usleep(600_000)
        XCTAssertTrue(process.isRunning, "still waiting (exit \(process.isRunning ? 0 : process.terminationStatus))")
        FileManager.default.createFile(atPath: log, contents: Data((0..<10).map { query($0) + "\n" }.joined().utf8))
        XCTAssertEqual(waitForLines(10).count, 10)
        append(log, (10..<15).map(query))
        XCTAssertEqual(names(waitForLines(15)), (0..<15).map { "host\($0).example.com" })
    }
}
