import Learners
import NIOCore
import Streaming

/// One name (or URL) per request line, one answer line per request, in order. Lines that arrive together
/// go to a worker as one job; while it is out, further lines wait, so answers never overtake each other.
/// A line longer than `maxLineLength` gets an error answer and closes this connection only.
final class LineProtocolHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Lines waiting while a job is out; past this the connection stops reading (backpressure).
    static let maxPendingLines = 65_536

    private let pool: WorkerPool
    private let slot: ModelSlot
    private let metrics: ServerMetrics
    private let maxLineLength: Int
    private var context: ChannelHandlerContext?
    private var partial: [UInt8] = []
    private var pending: [[UInt8]] = []
    private var inFlight = false
    private var open = true
    private var readingPaused = false
    /// Set when a line was too long: answered after the lines before it, then the connection closes.
    private var closingError: [UInt8]?

    init(pool: WorkerPool, slot: ModelSlot, metrics: ServerMetrics, maxLineLength: Int) {
        self.pool = pool
        self.slot = slot
        self.metrics = metrics
        self.maxLineLength = maxLineLength
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil; open = false }

    func channelActive(context: ChannelHandlerContext) {
        metrics.connections.increment()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        metrics.connections.decrement()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard closingError == nil else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            var start = 0
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                if partial.isEmpty {
                    addLine(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
                } else {
                    partial.append(contentsOf: bytes[start..<i])
                    let line = partial
                    partial.removeAll(keepingCapacity: false)
                    line.withUnsafeBytes { addLine($0) }
                }
                start = i + 1
                if closingError != nil { return }
            }
            partial.append(contentsOf: bytes[start...])
            if partial.count > maxLineLength { tooLong(Array(partial.prefix(64))) }
        }
        dispatch()
        if pending.count > Self.maxPendingLines, !readingPaused {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func addLine(_ raw: UnsafeRawBufferPointer) {
        var count = raw.count
        if count > 0, raw[count - 1] == 0x0D { count -= 1 }
        if count > maxLineLength { tooLong(Array(raw.prefix(64))); return }
        metrics.lineRequests.increment()
        pending.append(Array(raw.prefix(count)))
    }

    private func tooLong(_ head: [UInt8]) {
        metrics.lineRequests.increment()
        metrics.errors.increment()
        var out: [UInt8] = []
        head.withUnsafeBufferPointer { line in
            slot.current.lineFormatter.append(.error("line over \(maxLineLength) bytes; closing"), line: line, record: nil, to: &out)
        }
        closingError = out
        partial = []
    }

    /// Sends the waiting lines as one job unless one is already out; closes after a pending error.
    private func dispatch() {
        guard open, !inFlight, let context else { return }
        if pending.isEmpty {
            if let closingError {
                let buffer = context.channel.allocator.buffer(bytes: closingError)
                context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
                open = false
            }
            return
        }
        inFlight = true
        let inputs = pending
        pending = []
        if readingPaused {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        let eventLoop = context.eventLoop
        let allocator = context.channel.allocator
        pool.submit(ClassifyJob(inputs: inputs) { job, serving in
            var out: [UInt8] = []
            out.reserveCapacity(job.inputs.count * 48)
            for (i, answer) in job.answers.enumerated() {
                job.inputs[i].withUnsafeBufferPointer { line in
                    serving.lineFormatter.append(answer.outcome, line: line, record: nil, to: &out)
                }
            }
            let buffer = allocator.buffer(bytes: out)
            eventLoop.execute { self.deliver(buffer) }
        })
    }

    private func deliver(_ buffer: ByteBuffer) {
        inFlight = false
        guard open, let context else { return }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        dispatch()
    }
}

extension Answer {
    var outcome: LineOutcome {
        switch self {
        case let .classified(name, top, _): .classified(name: name, top: top[...])
        case let .ipAddress(ip): .ipAddress(ip)
        case let .invalid(reason): .error(reason)
        }
    }
}
