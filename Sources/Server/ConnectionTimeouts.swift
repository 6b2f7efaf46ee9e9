import NIOCore

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Closes a connection with nothing read or written for `limit` (`--idle-timeout`): idle clients must not
/// hold connections (and file descriptors) for good. NIO's `IdleStateHandler` would do, but it allocates a
/// promise for every write; this notes the time of each read and write and looks once per `limit`.
final class IdleTimeout: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny

    private let limit: TimeAmount
    private var lastActive = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { schedule(context, in: limit) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if check == nil { schedule(context, in: limit) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActive = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActive = .now()
        context.write(data, promise: promise)
    }

    private func schedule(_ context: ChannelHandlerContext, in delay: TimeAmount) {
        check = context.eventLoop.scheduleTask(in: delay) { [self] in
            let idle = NIODeadline.now() - lastActive
            if idle >= limit { context.close(promise: nil) } else { schedule(context, in: limit - idle) }
        }
    }
}

/// Closes an HTTP connection whose request (head and body) is not in whole `limit` after its first byte,
/// so a slow or unfinished header holds no connection for the whole idle timeout. It sits before the HTTP
/// decoder, where it sees bytes; `HTTPHandler` calls `requestRead` at the end of each request.
final class RequestReadTimer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let limit: TimeAmount
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        start(context.channel)
        context.fireChannelRead(data)
    }

    /// Arms the timer unless it runs already; also for a refused connection, which is not to wait for its
    /// request as long as the idle timeout.
    func start(_ channel: Channel) {
        guard deadline == nil else { return }
        deadline = channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }

    func requestRead() {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestRead()
        context.fireChannelInactive()
    }
}
