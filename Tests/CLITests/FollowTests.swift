import Foundation
import XCTest

/// `domcat classify -f LOG` on a log that grows and is rotated (rename + new file) under it.
final class FollowTests: CLITestCase {
    func testFollowAcrossRotationLosesAndRepeatsNothing() throws {
        var corpus: [String] = []
        for i in 0..<50 { corpus.append("ads\(i).example.com\tads"); corpus.append("www.site\(i).org\tsite") }
        let model = directory + "/m.dcm"
        XCTAssertEqual(try domcat(["train", write("c.tsv", corpus.joined(separator: "\n")), "--out", model,
                                   "--bucket-bits", "12", "--dim", "8", "--epochs", "2"]).status, 0)
        let log = directory + "/dnsmasq.log"
        let outPath = directory + "/out.tsv"
        func append(_ path: String, _ lines: [String]) {
            let handle = FileHandle(forWritingAtPath: path)!
            handle.seekToEndOfFile()
            handle.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            handle.closeFile()
        }
        func query(_ i: Int) -> String { "Nov 23 15:55:53 dnsmasq[1]: query[A] host\(i).example.com from 127.0.0.1" }
        FileManager.default.createFile(atPath: log, contents: Data((0..<100).map { query($0) + "\n" }.joined().utf8))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["classify", model, "-f", log, "--input", "dnsmasq", "--threads", "2"]
        FileManager.default.createFile(atPath: outPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

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
        XCTAssertEqual(waitForLines(100).count, 100)
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
        XCTAssertEqual(lines.map { $0.split(separator: "\t")[3] }, (0..<200).map { "host\($0).example.com"[...] })
    }
}
