import DomainKit
import Foundation
import Learners
import Lines
import Streaming
import XCTest

final class PipelineTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\n")
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "domcat-pipeline-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func model() -> LinearModel {
        var p = LinearParams()
        p.bucketBits = 12
        p.dimension = 4
        return LinearModel(labels: ["ads", "site"], params: p, suffixes: suffixes)
    }

    /// Runs the pipeline over `input` bytes and returns the output lines.
    func classify(_ input: [UInt8], threads: Int, options: ClassifyOptions = ClassifyOptions(), compressed: Bool = false) throws -> [String] {
        let inPath = directory + "/in"
        let outPath = directory + "/out"
        FileManager.default.createFile(atPath: inPath, contents: Data(input))
        var options = options
        options.threads = threads
        options.input = options.input ?? .plain
        let outFD = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let pipeline = ClassifyPipeline(models: [ClassifyModel(name: "m", classifier: model(), digest: "test")], options: options)
        try pipeline.run([LineReader.open(path: inPath)], sink: OutputSink(fd: outFD, name: outPath))
        close(outFD)
        let text = String(decoding: FileManager.default.contents(atPath: outPath)!, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines.removeLast(), "", "output ends with a newline")
        XCTAssertEqual(pipeline.stats.lines, lines.count)
        return lines
    }

    func testOrderIsKeptWithTwoThreadsOn100kLines() throws {
        let names = (0..<100_000).map { "host\($0).example\($0 % 97).com" }
        let lines = try classify(Array((names.joined(separator: "\n") + "\n").utf8), threads: 2)
        XCTAssertEqual(lines.count, names.count)
        XCTAssertEqual(lines.map { String($0.split(separator: "\t")[0]) }, names)
    }

    func testBadInputGivesExactlyOneLineEach() throws {
        var input: [UInt8] = []
        let cases: [[UInt8]] = [
            [], Array("   ".utf8), Array("Example.COM.\r".utf8), [0x61, 0x00, 0x62], [0x61, 0xFF, 0xFE],
            [UInt8](repeating: 0x61, count: 1 << 20), Array("..".utf8),
            Array((String(repeating: "a", count: 64) + ".com").utf8),
            Array(Array(repeating: "abcdefghi", count: 26).joined(separator: ".").utf8),
            Array("10.0.0.1".utf8), Array("2001:db8::1".utf8), Array("https://a.b/c".utf8), Array("bücher.de".utf8),
        ]
        for c in cases { input += c + [0x0A] }
        input += Array("last-line-without-newline.com".utf8)
        for threads in [1, 2] {
            let lines = try classify(input, threads: threads)
            XCTAssertEqual(lines.count, cases.count + 1)
            // Blank lines hold no name: they say so rather than vanish.
            XCTAssertEqual(lines[0], "\t!noquery\t-")
            XCTAssertEqual(lines[1], "   \t!noquery\t-")
            XCTAssertTrue(lines[2].hasPrefix("example.com\t"))
            XCTAssertTrue(lines[3].hasPrefix("a\\x00b\t!error"), lines[3])
            XCTAssertTrue(lines[4].contains("!error\tinvalid UTF-8"), lines[4])
            XCTAssertTrue(lines[5].contains("!error\tname over 253 bytes"))
            XCTAssertLessThan(lines[5].utf8.count, 400, "echo of a huge line is cut")
            XCTAssertTrue(lines[6].contains("!error\tempty DNS label in name"))
            XCTAssertTrue(lines[7].contains("!error\tlabel over 63 bytes"))
            XCTAssertTrue(lines[8].contains("!error\tname over 253 bytes"))
            XCTAssertEqual(lines[9], "10.0.0.1\t!ip\t-")
            XCTAssertEqual(lines[10], "2001:db8::1\t!ip\t-")
            XCTAssertTrue(lines[11].hasPrefix("a.b\t"))
            XCTAssertTrue(lines[12].hasPrefix("xn--bcher-kva.de\t") || lines[12].contains("!error"), lines[12])
            XCTAssertTrue(lines[13].hasPrefix("last-line-without-newline.com\t"))
        }
    }

    func testJSONLinesCarryTopK() throws {
        var options = ClassifyOptions()
        options.output = .jsonl
        options.topK = 2
        let lines = try classify(Array("ads.example.com\n1.1.1.1\n".utf8), threads: 1, options: options)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["name"] as? String, "ads.example.com")
        XCTAssertEqual((first["top"] as? [Any])?.count, 2)
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        XCTAssertEqual(second["error"] as? String, "ip address")
    }

    func testZstdInputIsDecodedTransparently() throws {
        let zstd = Process()
        zstd.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
        guard FileManager.default.fileExists(atPath: "/usr/bin/zstd") else { throw XCTSkip("zstd CLI not installed") }
        let plain = directory + "/names"
        FileManager.default.createFile(atPath: plain, contents: Data("a.com\nb.net\n".utf8))
        zstd.arguments = ["-q", "-f", plain, "-o", plain + ".zst"]
        try zstd.run()
        zstd.waitUntilExit()
        let reader = try LineReader.open(path: plain + ".zst")
        var seen: [String] = []
        try reader.forEachLine { line, _ in seen.append(String(decoding: line, as: UTF8.self)); return true }
        XCTAssertEqual(seen, ["a.com", "b.net"])
    }

    func testOverlongLineIsCutAndFlaggedNotLost() throws {
        var input = [UInt8](repeating: 0x62, count: LineReader.maxLineLength + (3 << 20))
        input += Array("\nafter.com\n".utf8)
        let lines = try classify(input, threads: 1)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].contains("!error\tline over"))
        XCTAssertTrue(lines[1].hasPrefix("after.com\t"))
    }
}
