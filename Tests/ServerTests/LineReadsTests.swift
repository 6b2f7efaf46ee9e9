import DomainKit
import Foundation
import ModelStore
import NIOCore
import NIOEmbedded
import Server
import XCTest

/// The line protocol on an `EmbeddedChannel`, so a test decides where each read ends (a socket would not).
final class LineReadsTests: XCTestCase {
    /// Found by FuzzLineProtocol's check that every line gets one answer however the reads fall (issue 14):
    /// a line of exactly the limit ending in CRLF was refused, and its connection closed, when a read ended
    /// between the \r and the \n; with any other cut it was answered.
    func testLineOfTheLimitIsAnsweredWhereverTheReadEnds() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("m.dcm").path
        let model = try TinyModel.write(to: path)
        let line = String(repeating: "a", count: 60) + "." + String(repeating: "b", count: 35) + ".com"  // 100 bytes
        for cut in [line.utf8.count, line.utf8.count + 1, line.utf8.count + 2] {
            var config = ServeConfig(modelPaths: [path], suffixes: TinyModel.suffixes)
            config.workers = 0  // jobs run on this thread, as EmbeddedEventLoop needs
            config.maxLineLength = 100
            let core = try ServerCore(config: config, models: [model])
            let channel = EmbeddedChannel()
            try core.addHandlers(to: channel, http: false)
            _ = channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 7878))
            let request = Array((line + "\r\nads2.tracker.com\n").utf8)
            for part in [request[..<cut], request[cut...]] {
                try channel.writeInbound(channel.allocator.buffer(bytes: part))
                channel.embeddedEventLoop.run()
            }
            var answers: [UInt8] = []
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { answers += buffer.readableBytesView }
            let lines = String(decoding: answers, as: UTF8.self).split(separator: "\n").map(String.init)
            XCTAssertEqual(lines, [TinyModel.expectedLine(line, model: model), TinyModel.expectedLine("ads2.tracker.com", model: model)],
                           "read cut after \(cut) bytes")
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }
}
