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
    private var unixSocket: UnixSocketFile?
    /// `serve --registry`: what keeps the served set on the registry's production version.
    private let follower: RegistryFollower?
    /// Where the listeners ended up (port 0 resolved), for tests and logs.
    package private(set) var lineAddress: SocketAddress?
    package private(set) var httpAddress: SocketAddress?

    /// Loads the models and starts listening; throws `ServeError` or a model's load error.
    package init(config: ServeConfig) throws {
        guard config.listen != nil || config.unixPath != nil || config.http != nil else { throw ServeError.nothingToServe }
        if let following = config.registry {
            let follower = try RegistryFollower(config: config, following: following)
            core = ServerCore(config: config, serving: follower.initial)
            core.reloader = { [weak follower] in follower?.refresh() ?? .failure(ServeError.nothingToServe) }
            self.follower = follower
        } else {
            let models = try config.modelPaths.map { try Model.load(path: $0, suffixes: config.suffixes) }
            core = try ServerCore(config: config, models: models)
            follower = nil
        }
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.eventLoopThreads))
        do {
            if let listen = config.listen {
                let (host, port) = try splitHostPort(listen)
                let channel = try bind(listen) { try $0.bind(host: host, port: port).wait() }
                lineAddress = channel.localAddress
            }
            if let path = config.unixPath {
                let file = try UnixSocketFile(binding: path)
                unixSocket = file
                _ = try bind(path) { try $0.withBoundSocket(file.descriptor).wait() }
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
        let registry = config.registry.map { " following registry \($0.directory)" } ?? ""
        config.logger.info("serving \(ServerCore.describe(core.slot.current)) on \(channels.compactMap { $0.localAddress?.description }.joined(separator: ", "))\(redis)\(registry)")
        follower?.start(core: core)
    }

    /// The models served now, in reply order.
    package var serving: ServingSet { core.slot.current }
    package var redisHealth: RedisHealth? { core.redisHealth }

    /// Reloads every model file (SIGHUP, `POST /admin/reload`) and swaps them all at once; on any failure
    /// every old model keeps serving.
    @discardableResult
    package func reload() -> Result<ServingSet, Error> { core.reload() }

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
        unixSocket?.remove()
        unixSocket = nil
        core.pool.shutdown()
        follower?.stop()
        try? group.syncShutdownGracefully()
    }

    private func bind(_ address: String, http: Bool = false, _ body: (ServerBootstrap) throws -> Channel) throws -> Channel {
        let core = self.core
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 << 10, maximum: 256 << 10))
            // The handlers answer what came before a client's shutdown(SHUT_WR), then close.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try core.addHandlers(to: channel, http: http) }
            }
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

    /// One connection's handlers: the idle timeout, then the protocol. A connection over `--max-connections`
    /// is told so by its protocol handler and not counted.
    private static func reason(_ code: Int32) -> String {
        code == EADDRINUSE ? ServeError.addressInUse : String(cString: strerror(code))
    }
}
