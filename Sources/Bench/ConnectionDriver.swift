import Dispatch
import Histogram
import NIOCore

/// When a run starts, when replies start counting (after the warm-up) and when sending stops.
struct BenchClock: Sendable {
    let start: NIODeadline
    let recordFrom: NIODeadline
    let stopAt: NIODeadline

    init(config: BenchConfig, start: NIODeadline) {
        self.start = start
        recordFrom = start + .nanoseconds(Int64(config.warmupSeconds * 1e9))
        stopAt = recordFrom + .nanoseconds(Int64(config.seconds * 1e9))
    }
}

/// One connection. Closed loop: keeps `pipeline` requests out, sending one as each reply comes. Open loop: an
/// `OpenLoopSchedule` queues the requests whose time has come; each reply's latency counts from its
/// request's scheduled time, so a stalled server cannot hide its stall by slowing the client down.
final class ConnectionDriver: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let config: BenchConfig
    let index: Int
    var keys: KeyStream
    var framer: ReplyFramer
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    var recorded = 0
    var failures = 0
    /// Requests queued so far (open loop: the schedule position of this connection).
    private(set) var sent = 0
    private var clock: BenchClock?
    private var context: ChannelHandlerContext?
    private let done: DispatchGroup
    /// Send times (closed loop) or scheduled times (open loop) of outstanding requests, oldest first.
    private var outstanding: [UInt64] = []
    private var head = 0
    private var sending = true
    private var finished = false
    private var timeoutArmed = false
    private var name: [UInt8] = []
    private var names: [[UInt8]] = []
    private var request: [UInt8] = []
    /// Tagged lines: each outstanding request's time by its tag (answers come in any order).
    private var sentAtByTag: [Int: UInt64] = [:]
    private var tagged = TaggedReplies()

    init(config: BenchConfig, index: Int, zipf: ZipfTable?, done: DispatchGroup) {
        self.config = config
        self.index = index
        keys = KeyStream(distribution: config.keys, zipf: zipf, connection: index, seed: config.seed)
        framer = ReplyFramer(target: config.target)
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        context.fireChannelActive()
    }

    /// Closed loop: at the start time, `pipeline` requests go out.
    func beginClosedLoop(_ clock: BenchClock) {
        self.clock = clock
        guard let context else { return finish() }
        context.eventLoop.scheduleTask(deadline: clock.start) { [self] in
            let now = NIODeadline.now().uptimeNanoseconds
            for _ in 0..<max(1, config.pipeline) { enqueue(scheduled: now) }
            flush()
        }
    }

    /// Open loop: the schedule's clock, before the first request.
    func beginOpenLoop(_ clock: BenchClock) { self.clock = clock }

    /// Adds one request to the outgoing buffer; `flush` sends the buffer.
    func enqueue(scheduled: UInt64) {
        let perRequest: Int
        if case let .http(batch) = config.target { perRequest = max(1, batch) } else { perRequest = 1 }
        names.removeAll(keepingCapacity: true)
        for _ in 0..<perRequest {
            keys.next(into: &name)
            names.append(name)
        }
        encodeRequest(config.target, names: names, tag: sent, into: &request)
        if case .taggedLine = config.target { sentAtByTag[sent] = scheduled }
        outstanding.append(scheduled)
        sent += 1
    }

    func flush() {
        guard !request.isEmpty else { return }
        if let context {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
        }
        request.removeAll(keepingCapacity: true)
    }

    /// Open loop: the schedule is over; finish once the replies still out have come (or timed out).
    func endOfSchedule() {
        sending = false
        finishIfIdle()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if case .taggedLine = config.target { return readTagged(buffer) }
        let replies = buffer.withUnsafeReadableBytes { framer.consume($0) }
        guard replies > 0, let clock else { return }
        let now = NIODeadline.now()
        let nowNanos = now.uptimeNanoseconds
        for _ in 0..<replies {
            guard head < outstanding.count else { failures += 1; continue }
            let sentAt = outstanding[head]
            head += 1
            if sentAt >= clock.recordFrom.uptimeNanoseconds, sentAt < clock.stopAt.uptimeNanoseconds {
                histogram.record(max(1, (nowNanos &- sentAt) / 1000))
                recorded += 1
            }
        }
        if head > 4096, head * 2 > outstanding.count { outstanding.removeFirst(head); head = 0 }
        sendMore(replies, now: now, clock: clock)
    }

    /// Tagged answers: each one's latency from its own request's time, whatever order they come in.
    private func readTagged(_ buffer: ByteBuffer) {
        guard let clock else { return }
        let now = NIODeadline.now()
        let nowNanos = now.uptimeNanoseconds
        var replies = 0
        let untagged = buffer.withUnsafeReadableBytes { bytes in
            tagged.consume(bytes) { tag in
                replies += 1
                guard let sentAt = sentAtByTag.removeValue(forKey: tag) else { failures += 1; return }
                if sentAt >= clock.recordFrom.uptimeNanoseconds, sentAt < clock.stopAt.uptimeNanoseconds {
                    histogram.record(max(1, (nowNanos &- sentAt) / 1000))
                    recorded += 1
                }
            }
        }
        failures += untagged
        // `head` counts the answers; the times are in `sentAtByTag`.
        head = min(outstanding.count, head + replies)
        if head > 4096, head * 2 > outstanding.count { outstanding.removeFirst(head); head = 0 }
        if replies > 0 { sendMore(replies, now: now, clock: clock) }
    }

    /// After `replies` answers: closed loop, as many requests go out; otherwise finish once idle.
    private func sendMore(_ replies: Int, now: NIODeadline, clock: BenchClock) {
        let nowNanos = now.uptimeNanoseconds
        if config.rate == nil, now < clock.stopAt {
            for _ in 0..<replies { enqueue(scheduled: nowNanos) }
            flush()
        } else {
            if config.rate == nil { sending = false }
            if !sending { finishIfIdle() }
        }
    }

    private func finishIfIdle() {
        if head == outstanding.count { return finish() }
        guard !timeoutArmed else { return }
        timeoutArmed = true
        // Replies still out: give them a bounded time, then count them as failures.
        context?.eventLoop.scheduleTask(in: .seconds(5)) { [self] in
            failures += outstanding.count - head
            head = outstanding.count
            finish()
        }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        done.leave()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        if !finished {
            failures += outstanding.count - head
            finish()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
