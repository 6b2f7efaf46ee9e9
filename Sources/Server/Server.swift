import Cache
import Foundation
import Logging
import ModelStore
import NIOCore
import NIOPosix

/// `domcat serve`: binds every listener it was given, or none (a taken port is an error, not a half-started server).
package final class Server: @unchecked Sendable {
    let core: ServerCore
    private let group: MultiThreadedEventLoopGroup
    private var channels: [Channel] = []
    /// Where the listeners ended up (port 0 resolved), for tests and logs.
    package private(set) var lineAddress: SocketAddress?
    package private(set) var httpAddress: SocketAddress?

    /// Loads the model and starts listening; throws `ServeError` or the model's load error.
    package init(config: ServeConfig) throws {
        guard config.listen != nil || config.unixPath != nil || config.http != nil else { throw ServeError.nothingToServe }
        let model = try Model.load(path: config.modelPath, suffixes: config.suffixes)
        core = ServerCore(config: config, model: model)
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.eventLoopThreads))
        do {
            if let listen = config.listen {
                let (host, port) = try splitHostPort(listen)
                let channel = try bind(listen) { try $0.bind(host: host, port: port).wait() }
                lineAddress = channel.localAddress
            }
            if let path = config.unixPath {
                try Self.claimUnixPath(path)
                _ = try bind(path) { try $0.bind(unixDomainSocketPath: path).wait() }
            }
            if let http = config.http {
                let (host, port) = try splitHostPort(http)
                let channel = try bind(http, http: true) { try $0.bind(host: host, port: port).wait() }
                httpAddress = channel.localAddress
            }
        } catch {
            shutdown()
            throw error
        }
        let redis = config.redis.map { " redis \($0.endpoint)" } ?? ""
        config.logger.info("serving model \(model.shortVersion) (\(model.header.kind), \(model.classifier.labels.count) labels) on \(channels.compactMap { $0.localAddress?.description }.joined(separator: ", "))\(redis)")
    }

    package var modelDigest: String { core.slot.current.model.digest }
    package var redisHealth: RedisHealth? { core.redisHealth }
    package var cache: AnswerCache { core.slot.current.cache }

    /// Reloads the model file (SIGHUP, `POST /admin/reload`); the old model keeps serving on failure.
    @discardableResult
    package func reload() -> Result<String, Error> { core.reload() }

    /// Prometheus text, as `/metrics` serves it.
    package func metricsText() -> String { String(decoding: core.metrics.render(redis: core.redisHealth), as: UTF8.self) }

    /// Blocks until the listeners close (after `shutdown` from another thread).
    package func wait() {
        for channel in channels { try? channel.closeFuture.wait() }
    }

    /// Stops accepting, lets the workers finish the jobs already queued (their replies still reach live event
    /// loops), then closes every connection.
    package func shutdown() {
        for channel in channels { try? channel.close().wait() }
        channels = []
        if let path = core.config.unixPath { unlink(path) }
        core.pool.shutdown()
        try? group.syncShutdownGracefully()
    }

    private func bind(_ address: String, http: Bool = false, _ body: (ServerBootstrap) throws -> Channel) throws -> Channel {
        let core = self.core
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 << 10, maximum: 256 << 10))
            .childChannelInitializer { core.addHandlers(to: $0, http: http) }
        do {
            let channel = try body(bootstrap)
            channels.append(channel)
            return channel
        } catch let error as IOError {
            throw ServeError.cannotListen(address: address, reason: Self.reason(error.errnoCode))
        } catch let error as ServeError {
            throw error
        } catch {
            throw ServeError.cannotListen(address: address, reason: "\(error)")
        }
    }

    private static func reason(_ code: Int32) -> String {
        code == EADDRINUSE ? "address already in use (is another domcat serve running?)" : String(cString: strerror(code))
    }

    /// A socket file someone still listens on is an error; a stale one (nobody answers) is removed.
    static func claimUnixPath(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ServeError.cannotListen(address: path, reason: "path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 { throw ServeError.cannotListen(address: path, reason: "address already in use (is another domcat serve running?)") }
        unlink(path)
    }
}
