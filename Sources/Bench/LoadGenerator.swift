import Dispatch
import Foundation
import Histogram
import NIOCore
import NIOPosix

public struct BenchConfig: Sendable {
    public var target: BenchTarget = .line
    /// TCP `host:port` or a Unix socket path (starting with `/`).
    public var address: String
    public var connections = 50
    /// Requests each connection keeps outstanding (closed loop).
    public var pipeline = 1
    /// Open loop: total requests per second, sent on schedule whatever the replies do. nil: closed loop.
    public var rate: Double?
    public var seconds = 10.0
    /// Replies in the first seconds are not recorded (caches fill, connections settle).
    public var warmupSeconds = 0.0
    public var keys: KeyDistribution = .unique
    public var threads = 1
    public var seed: UInt64 = 1
    public init(address: String) { self.address = address }
}

public struct BenchReport: Codable, Sendable {
    public var target: String
    public var mode: String
    public var connections: Int
    public var pipeline: Int
    public var targetRate: Double?
    public var seconds: Double
    public var requests: Int
    public var names: Int
    public var errors: Int
    public var requestsPerSecond: Double
    public var namesPerSecond: Double
    /// Microseconds; in open loop measured from each request's intended send time (coordinated omission corrected).
    public var p50: Double, p90: Double, p99: Double, p999: Double, max: Double

    public var text: String {
        var s = "\(target) \(mode), \(connections) connections, pipeline \(pipeline)"
        if let targetRate { s += String(format: ", target %.0f req/s", targetRate) }
        s += String(format: "\n%d requests (%d names, %d errors) in %.2f s: %.0f req/s, %.0f names/s\n", requests, names, errors, seconds, requestsPerSecond, namesPerSecond)
        s += String(format: "latency µs: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", p50, p90, p99, p999, max)
        return s
    }
}

/// A load generator: N connections driven closed loop (pipeline depth outstanding each) or open loop at a
/// fixed rate with latency counted from when each request should have left, so a stalled server cannot hide
/// its stall by slowing the client down (coordinated omission). Latencies go into HdrHistograms.
public enum LoadGenerator {
    public static func run(_ config: BenchConfig) throws -> BenchReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.threads))
        defer { try? group.syncShutdownGracefully() }
        let zipf: ZipfTable?
        if case let .zipf(count, exponent) = config.keys { zipf = ZipfTable(count: count, exponent: exponent) } else { zipf = nil }
        let start = NIODeadline.now() + .milliseconds(200)
        let recordFrom = start + .nanoseconds(Int64(config.warmupSeconds * 1e9))
        let stopAt = recordFrom + .nanoseconds(Int64(config.seconds * 1e9))
        let done = DispatchGroup()
        var drivers: [ConnectionDriver] = []
        var channels: [Channel] = []
        for i in 0..<max(1, config.connections) {
            let driver = ConnectionDriver(config: config, index: i, zipf: zipf, start: start, recordFrom: recordFrom, stopAt: stopAt, done: done)
            drivers.append(driver)
            done.enter()
            let bootstrap = ClientBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { $0.pipeline.addHandler(driver) }
            do {
                if config.address.hasPrefix("/") {
                    channels.append(try bootstrap.connect(unixDomainSocketPath: config.address).wait())
                } else {
                    guard let colon = config.address.lastIndex(of: ":"), let port = Int(config.address[config.address.index(after: colon)...]) else {
                        throw BenchError("not host:port: \(config.address)")
                    }
                    channels.append(try bootstrap.connect(host: String(config.address[..<colon]), port: port).wait())
                }
            } catch let error as BenchError {
                throw error
            } catch {
                for c in channels { c.close(promise: nil) }
                throw BenchError("cannot connect to \(config.address): \(error)")
            }
        }
        done.wait()
        for c in channels { try? c.close().wait() }
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var requests = 0, errors = 0
        for d in drivers {
            histogram.add(d.histogram)
            requests += d.recorded
            errors += d.framer.errors + d.failures
        }
        let namesPerRequest: Int
        if case let .http(batch) = config.target { namesPerRequest = max(1, batch) } else { namesPerRequest = 1 }
        let targetName: String
        switch config.target {
        case .line: targetName = "line \(config.address)"
        case let .http(batch): targetName = "http \(config.address) batch \(batch)"
        case .redis: targetName = "redis GET \(config.address)"
        }
        return BenchReport(
            target: targetName, mode: config.rate == nil ? "closed loop" : "open loop",
            connections: config.connections, pipeline: config.pipeline, targetRate: config.rate, seconds: config.seconds,
            requests: requests, names: requests * namesPerRequest, errors: errors,
            requestsPerSecond: Double(requests) / config.seconds,
            namesPerSecond: Double(requests * namesPerRequest) / config.seconds,
            p50: Double(histogram.valueAtPercentile(50)), p90: Double(histogram.valueAtPercentile(90)),
            p99: Double(histogram.valueAtPercentile(99)), p999: Double(histogram.valueAtPercentile(99.9)),
            max: Double(histogram.max))
    }
}

/// One connection. Closed loop: keeps `pipeline` requests out. Open loop: a timer sends every request
/// whose scheduled time has come; each reply's latency is measured from its request's scheduled time.
final class ConnectionDriver: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let config: BenchConfig
    var keys: KeyStream
    var framer: ReplyFramer
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    var recorded = 0
    var failures = 0
    private let start: NIODeadline, recordFrom: NIODeadline, stopAt: NIODeadline
    private let done: DispatchGroup
    /// Send times (closed loop) or scheduled times (open loop) of outstanding requests, oldest first.
    private var outstanding: [UInt64] = []
    private var head = 0
    private var sent = 0
    private var finished = false
    private var timer: RepeatedTask?
    private var name: [UInt8] = []
    private var names: [[UInt8]] = []
    private var request: [UInt8] = []
    private let intervalNanos: Double

    init(config: BenchConfig, index: Int, zipf: ZipfTable?, start: NIODeadline, recordFrom: NIODeadline, stopAt: NIODeadline, done: DispatchGroup) {
        self.config = config
        keys = KeyStream(distribution: config.keys, zipf: zipf, connection: index, seed: config.seed)
        framer = ReplyFramer(target: config.target)
        self.start = start
        self.recordFrom = recordFrom
        self.stopAt = stopAt
        self.done = done
        intervalNanos = config.rate.map { 1e9 * Double(max(1, config.connections)) / $0 } ?? 0
        // Spread the connections' schedules over one interval.
        sent = 0
        _ = index
    }

    func channelActive(context: ChannelHandlerContext) {
        let wait = start - .now()
        context.eventLoop.scheduleTask(in: max(wait, .zero)) { [self] in
            if config.rate == nil {
                send(context, count: max(1, config.pipeline), at: NIODeadline.now().uptimeNanoseconds)
            } else {
                timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(500)) { [self] _ in
                    tick(context)
                }
            }
        }
    }

    private func tick(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if now >= stopAt { timer?.cancel(); timer = nil; finishIfIdle(context); return }
        let elapsed = Double((now - start).nanoseconds)
        let due = Int(elapsed / intervalNanos) + 1
        var count = 0
        var times: [UInt64] = []
        while sent + count < due {
            times.append(start.uptimeNanoseconds + UInt64(Double(sent + count) * intervalNanos))
            count += 1
        }
        if count > 0 { send(context, count: count, scheduled: times) }
    }

    private func send(_ context: ChannelHandlerContext, count: Int, at time: UInt64) {
        send(context, count: count, scheduled: [UInt64](repeating: time, count: count))
    }

    private func send(_ context: ChannelHandlerContext, count: Int, scheduled: [UInt64]) {
        request.removeAll(keepingCapacity: true)
        let perRequest: Int
        if case let .http(batch) = config.target { perRequest = max(1, batch) } else { perRequest = 1 }
        for _ in 0..<count {
            names.removeAll(keepingCapacity: true)
            for _ in 0..<perRequest {
                keys.next(into: &name)
                names.append(name)
            }
            encodeRequest(config.target, names: names, into: &request)
        }
        outstanding.append(contentsOf: scheduled)
        sent += count
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies = buffer.withUnsafeReadableBytes { framer.consume($0) }
        guard replies > 0 else { return }
        let now = NIODeadline.now()
        let nowNanos = now.uptimeNanoseconds
        for _ in 0..<replies {
            guard head < outstanding.count else { failures += 1; continue }
            let sentAt = outstanding[head]
            head += 1
            if sentAt >= recordFrom.uptimeNanoseconds, sentAt < stopAt.uptimeNanoseconds {
                histogram.record(max(1, (nowNanos &- sentAt) / 1000))
                recorded += 1
            }
        }
        if head > 4096, head * 2 > outstanding.count { outstanding.removeFirst(head); head = 0 }
        if config.rate == nil {
            if now < stopAt { send(context, count: replies, at: nowNanos) } else { finishIfIdle(context) }
        } else if timer == nil {
            finishIfIdle(context)
        }
    }

    private func finishIfIdle(_ context: ChannelHandlerContext) {
        if head == outstanding.count { finish() } else {
            // Replies still out: give them a bounded time, then count them as failures.
            context.eventLoop.scheduleTask(in: .seconds(5)) { [self] in
                failures += outstanding.count - head
                head = outstanding.count
                finish()
            }
        }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        done.leave()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        if !finished {
            failures += outstanding.count - head
            finish()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
