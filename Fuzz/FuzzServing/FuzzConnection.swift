import DomainKit
import Foundation
import FuzzSupport
import ModelStore
import NIOCore
import NIOEmbedded
import Server

/// One client connection of `domcat serve` on an `EmbeddedChannel`: the real handlers and a real model (the
/// file named by `$DOMCAT_FUZZ_MODEL`, loaded once). Each connection gets a fresh `ServerCore`, so nothing
/// (LRU, metrics) carries over from one input to the next and every crash replays alone, and a worker pool
/// without threads: jobs run when the loop runs, on this thread, as `EmbeddedEventLoop` requires.
package final class FuzzConnection {
    package static let suffixes = FuzzMain.need(PublicSuffixList.shared, "no public suffix list at \(PublicSuffixList.debianPath)")
    package static let modelPath = FuzzMain.need(ProcessInfo.processInfo.environment["DOMCAT_FUZZ_MODEL"],
                                                 "set DOMCAT_FUZZ_MODEL to a model file (`make fuzz` trains a small one)", code: 2)
    package static let model: Model = {
        do { return try Model.load(path: modelPath, suffixes: suffixes) } catch { FuzzMain.fail("\(error)", code: 3) }
    }()

    package let channel = EmbeddedChannel()
    private let core: ServerCore

    /// `configure` adjusts the server's options (output format, LRU size, line limit) before it starts.
    package init(http: Bool, configure: (inout ServeConfig) -> Void = { _ in }) {
        var config = ServeConfig(modelPaths: [Self.modelPath], suffixes: Self.suffixes)
        config.workers = 0
        config.lruEntries = 64  // the default million would be allocated (and zeroed) for every input
        configure(&config)
        core = try! ServerCore(config: config, models: [Self.model])
        try! core.addHandlers(to: channel, http: http)
        _ = channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 7878))
        channel.embeddedEventLoop.run()
    }

    /// Delivers `bytes` as one read and runs the loop until every job is answered; false once the server
    /// has closed the connection.
    @discardableResult
    package func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard channel.isActive else { return false }
        do { try channel.writeInbound(channel.allocator.buffer(bytes: bytes)) } catch { return false }
        channel.embeddedEventLoop.run()
        return channel.isActive
    }

    /// Everything the server wrote, in order.
    package func written() -> [UInt8] {
        var out: [UInt8] = []
        while let part = try? channel.readOutbound(as: Any.self) {
            switch part {
            case let buffer as ByteBuffer: out += buffer.readableBytesView
            case let .byteBuffer(buffer) as IOData: out += buffer.readableBytesView
            default: preconditionFailure("the server wrote a \(type(of: part))")
            }
        }
        return out
    }

    /// Closes the connection and drops what is left in the pipeline, so nothing outlives the input.
    package func close() {
        channel.embeddedEventLoop.run()
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }
}
