import Foundation
import XCTest

/// `domcat classify --fasttext-bin` against the fastText CLI on a model the test trains itself.
final class FastTextCLITests: CLITestCase {
    func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        Thread {
            if let stdin { try? input.fileHandleForWriting.write(contentsOf: stdin) }
            try? input.fileHandleForWriting.close()
        }.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(executable) \(arguments)")
        return String(decoding: data, as: UTF8.self)
    }

    func testPredictionsEqualFastTextPredictProbOn10kNames() throws {
        let fasttext = "/usr/bin/fasttext"
        guard FileManager.default.isExecutableFile(atPath: fasttext) else { throw XCTSkip("fasttext CLI not installed") }
        var training: [String] = []
        let words = ["ads", "track", "shop", "news", "mail", "cdn", "game", "bank"]
        for i in 0..<3000 {
            let w = words[i % words.count]
            training.append("__label__\(w) \(w)\(i % 50).example\(i % 13).com")
        }
        let trainPath = write("train.txt", training.joined(separator: "\n") + "\n")
        let prefix = directory + "/ft"
        _ = try run(fasttext, ["supervised", "-input", trainPath, "-output", prefix, "-epoch", "5", "-minn", "2", "-maxn", "4",
                                "-dim", "16", "-bucket", "20000", "-thread", "1", "-verbose", "0"])
        var names: [String] = []
        for i in 0..<10_000 { names.append("\(words[(i * 7) % words.count])\(i % 97)x.host\(i % 31).net") }
        let input = Data((names.joined(separator: "\n") + "\n").utf8)
        let k = 3
        let reference = try run(fasttext, ["predict-prob", prefix + ".bin", "-", String(k)], stdin: input).split(separator: "\n")
        let ours = try domcat(["classify", "--fasttext-bin", prefix + ".bin", "--format", "jsonl", "--k", String(k), "--quiet"], stdin: input)
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let lines = ours.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 10_000)
        XCTAssertEqual(reference.count, 10_000)
        for (mine, theirs) in zip(lines, reference) {
            let json = try JSONSerialization.jsonObject(with: Data(mine.utf8)) as! [String: Any]
            let top = json["top"] as! [[String: Any]]
            let fields = theirs.split(separator: " ")
            XCTAssertEqual(top.count, fields.count / 2, String(theirs))
            for (i, entry) in top.enumerated() {
                XCTAssertEqual("__label__" + (entry["label"] as! String), String(fields[2 * i]), String(mine))
                XCTAssertEqual(entry["p"] as! Double, Double(fields[2 * i + 1])!, accuracy: 6e-5, String(mine))
            }
        }
    }

    func testCorruptBinIsAClearError() throws {
        let bad = write("bad.bin", String(repeating: "x", count: 1000))
        let r = try domcat(["classify", "--fasttext-bin", bad], stdin: Data("a.com\n".utf8))
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("bad.bin"), r.stderr)
    }

    func testFastTextKindTrainsAndRoundTrips() throws {
        var lines: [String] = []
        for i in 0..<200 { lines.append("ads\(i).adserv\(i % 9).com\tads"); lines.append("www.shop\(i).org\tsite") }
        let corpus = write("c.tsv", lines.joined(separator: "\n") + "\n")
        let model = directory + "/ft.dcm"
        let train = try domcat(["train", "--kind", "fasttext", corpus, "--out", model, "--epochs", "10", "--dim", "16"])
        XCTAssertEqual(train.status, 0, train.stderr)
        let out = try domcat(["classify", model, "--quiet"], stdin: Data("ads999.adserv4.com\nwww.shop777.org\n".utf8))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(out.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[1]) }, ["ads", "site"])
        let again = try domcat(["train", "--kind", "fasttext", corpus, "--out", model, "--init-model", model])
        XCTAssertEqual(again.status, 2, "a usage error")
        XCTAssertTrue(again.stderr.contains("cannot continue"), again.stderr)
    }
}
