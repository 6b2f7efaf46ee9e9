import Foundation
import Server
import TestSupport
import XCTest

/// Tagged lines, `@ID<TAB>name`: answered `@ID<TAB>answer` when ready, ahead of untagged lines still waiting.
final class ServeTaggedTests: XCTestCase {
    func testTaggedLinesOvertakeAWaitingUntaggedLine() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let server = try Server(config: serveConfig(modelPath: path))
        defer { server.shutdown() }
        let client = try LineClient(port: server.linePort)
        let cached = TinyModel.names(20)
        XCTAssertEqual(client.roundTrip(cached), cached.map { TinyModel.expectedLine($0, model: model) })

        // One write: an untagged miss (to a worker), tagged LRU hits, a tagged miss, a tagged bad name, an untagged hit.
        let sent = ["fresh1.daily.com", "@7\t" + cached[3], "@x9\t" + cached[5], "@b\tfresh2.daily.com", "@e\tbad..name", cached[8]]
        XCTAssertTrue(client.send(lines: sent))
        let got = client.readLines(sent.count)
        let expected = [TinyModel.expectedLine("fresh1.daily.com", model: model),
                        "@7\t" + TinyModel.expectedLine(cached[3], model: model),
                        "@x9\t" + TinyModel.expectedLine(cached[5], model: model),
                        "@b\t" + TinyModel.expectedLine("fresh2.daily.com", model: model),
                        "@e\tbad..name\t!error\tempty DNS label in name",
                        TinyModel.expectedLine(cached[8], model: model)]
        XCTAssertEqual(Set(got), Set(expected))
        // The LRU's tagged answers go out while the untagged miss is with a worker; the untagged lines keep their order.
        XCTAssertEqual(Array(got.prefix(3)).sorted(), [expected[1], expected[2], expected[4]].sorted())
        XCTAssertEqual(got.filter { !$0.hasPrefix("@") }, [expected[0], expected[5]])

        // Tagged only, many at once, with a half-close: every one answered, then the close.
        let many = (0..<300).map { "@\($0)\t" + ($0 % 2 == 0 ? cached[$0 % cached.count] : "more\($0).daily.com") }
        let other = try LineClient(port: server.linePort)
        XCTAssertTrue(other.send(lines: many))
        other.halfClose()
        let answers = other.readToEnd()
        XCTAssertEqual(answers.count, many.count)
        XCTAssertEqual(Set(answers.map { String($0.split(separator: "\t", maxSplits: 1)[0]) }), Set((0..<300).map { "@\($0)" }))
    }
}
