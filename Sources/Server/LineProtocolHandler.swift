import Cache
import Dashboard
import DomainKit
import Learners
import Lines
import NIOCore
import Streaming

/// One name (or URL) per request line, one answer line per request, in order. Lines the event loop can
/// answer without a model — names in every model's in-process LRU, IP literals, unparsable lines — are
/// answered at once while no earlier line is still waiting; the rest of a read's lines go to a worker as one
/// job, and later lines wait until it is back, so answers never overtake each other. A line longer than
/// `maxLineLength` gets an error answer and closes this connection only. When the client shuts its write
/// side, every line before is answered (a last one without a newline too), then the connection closes.
/// A tagged line, `@ID<TAB>name`, is answered `@ID<TAB>answer` as soon as its answer is ready, whatever
/// lines came before it: at once from the LRU, else in a job of tagged lines of its own, so a miss among
/// untagged lines never holds it back (nor it them).
final class LineProtocolHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Lines waiting while a job is out; past this the connection stops reading (backpressure).
    static let maxPendingLines = 65_536
    /// How long input is still read (and dropped) after the last answer of a connection being closed.
    static let drainLimit = TimeAmount.seconds(5)

    private let core: ServerCore
    /// False for a connection over `--max-connections`: it gets one error line.
    private let admitted: Bool
    private let maxLineLength: Int
    private var context: ChannelHandlerContext?
    private var outbox: LoopOutbox?
    private var partial: [UInt8] = []
    private var pending = LineBatch()
    private var inFlight = false
    /// Tagged lines waiting for the model (their names only), their tags, and whether a job of them is out.
    private var taggedPending = LineBatch()
    private var taggedTags: [[UInt8]] = []
    private var taggedInFlight = false
    private var open = true
    private var readingPaused = false
    /// Set when a line was too long: answered after the lines before it, then the connection closes.
    private var closingError: [UInt8]?
    /// The client shut its write side (or closed).
    private var inputClosed = false
    /// The write of the last answer, once the connection is ending.
    private var finalWrite: EventLoopFuture<Void>?
    private var drainTimer: Scheduled<Void>?
    /// Answers rendered on the event loop, written at the end of the read.
    private var immediate: [UInt8] = []
    /// Every model's LRU answer to one line, back to back; `more` holds the slices after the first model's.
    private var top: [LabelScore] = []
    private var more: [ModelAnswer] = []
    /// Counts of the current read, added to the metrics once per read.
    private var lines = 0, answeredFromLRU = 0, errors = 0
    /// An experiment's arms' answers of the current read, added to its counters once per read.
    private var armCounts = ArmCounts()
    /// The line `cachedAnswers` just answered came from an experiment's treatment.
    private var treatedNow = false
    /// The client's address: an experiment's unit when it splits by client.
    private var client: String?
    /// Names answered on the event loop this read, for the dashboard.
    private var tap: TrafficTap?
    private var tapStats: TrafficStats?

    init(core: ServerCore, admitted: Bool) {
        self.core = core
        self.admitted = admitted
        maxLineLength = core.config.maxLineLength
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        outbox = core.outbox(for: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil; open = false }

    func channelActive(context: ChannelHandlerContext) {
        core.metrics.connections.increment()
        client = context.channel.remoteAddress?.ipAddress
        context.fireChannelActive()
        if !admitted {
            closingError = Array("!error too many connections\n".utf8)
            dispatch()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        drainTimer?.cancel()
        core.metrics.connections.decrement()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard closingError == nil else { return }
        let buffer = unwrapInboundIn(data)
        let serving = core.slot.current
        lines = 0
        buffer.withUnsafeReadableBytes { bytes in
            var start = 0
            for i in 0..<bytes.count where bytes[i] == 0x0A {
                if partial.isEmpty {
                    addLine(UnsafeRawBufferPointer(rebasing: bytes[start..<i]), serving)
                } else {
                    partial.append(contentsOf: bytes[start..<i])
                    addPartialLine(serving)
                }
                start = i + 1
                if closingError != nil { return }
            }
            partial.append(contentsOf: bytes[start...])
            // A read may end between a line's \r and \n; the \r does not count here either (see addLine).
            if partial.count - (partial.last == 0x0D ? 1 : 0) > maxLineLength { tooLong(Array(partial.prefix(64))) }
        }
        finishRead(context, serving)
    }

    /// The end of the client's input: its last line counts even without a newline.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return context.fireUserInboundEventTriggered(event) }
        inputClosed = true
        if let finalWrite { return closeAfter(finalWrite, context) }
        let serving = core.slot.current
        lines = 0
        if !partial.isEmpty, closingError == nil { addPartialLine(serving) }
        finishRead(context, serving)
    }

    /// After the lines of a read: counts them, writes the answers made here, hands the rest to a worker.
    private func finishRead(_ context: ChannelHandlerContext, _ serving: ServingSet) {
        if lines > 0 { core.metrics.lineRequests.increment(by: Int64(lines)) }
        countAnsweredNow(serving)
        if !immediate.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: immediate)), promise: nil)
            immediate.removeAll(keepingCapacity: true)
        }
        dispatch()
        dispatchTagged()
        if pending.count + taggedPending.count > Self.maxPendingLines, !readingPaused, !inputClosed {
            readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func addPartialLine(_ serving: ServingSet) {
        let line = partial
        partial.removeAll(keepingCapacity: false)
        line.withUnsafeBytes { addLine($0, serving) }
    }

    private func addLine(_ raw: UnsafeRawBufferPointer, _ serving: ServingSet) {
        var count = raw.count
        if count > 0, raw[count - 1] == 0x0D { count -= 1 }
        if count > maxLineLength { tooLong(Array(raw.prefix(64))); return }
        lines += 1
        let line = UnsafeRawBufferPointer(rebasing: raw[..<count]).bindMemory(to: UInt8.self)
        if line.first == UInt8(ascii: "@"), let tab = line.firstIndex(of: 0x09) {
            let tag = UnsafeBufferPointer(rebasing: line[1..<tab])
            let name = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
            if !answerNow(name, serving, tag: tag) {
                taggedPending.append(name)
                taggedTags.append(Array(tag))
            }
            return
        }
        if inFlight || !pending.isEmpty || !answerNow(line, serving) {
            pending.append(line)
        }
    }

    private func countAnsweredNow(_ serving: ServingSet) {
        if answeredFromLRU > 0 {
            for (m, model) in serving.models.enumerated() {
                core.metrics.caches[m].lruHits.increment(by: Int64(answeredFromLRU))
                model.cache.count(lruHits: answeredFromLRU, redisHits: 0, misses: 0)
            }
        }
        if errors > 0 { core.metrics.errors.increment(by: Int64(errors)) }
        answeredFromLRU = 0; errors = 0
        if tap != nil, let stats = tapStats { stats.absorb(tap!) }
        if let experiment = serving.experiment, !armCounts.isEmpty {
            experiment.counters.add(armCounts, controlLabels: serving.models[0].model.classifier.labels,
                                    treatmentLabels: experiment.treatment.model.classifier.labels)
            core.metrics.countExperiment(armCounts)
            armCounts = ArmCounts()
        }
    }

    /// Renders the answer into `immediate` when it needs no model and no Redis (every model's LRU has the
    /// name); false otherwise. A tagged line's answer starts with `@tag<TAB>`.
    private func answerNow(_ line: UnsafeBufferPointer<UInt8>, _ serving: ServingSet, tag: UnsafeBufferPointer<UInt8>? = nil) -> Bool {
        guard serving.models[0].cache.lru.capacity > 0 else { return false }
        let outcome: LineOutcome
        // A split experiment's treatment answers with its own labels and version.
        var formatter = serving.lineFormatter
        switch DomainParser.parse(line) {
        case let .domain(domain):
            if let special = serving.scope?.special(domain) {
                outcome = .special(domain.name, special)
                break
            }
            guard let first = cachedAnswers(domain.name, serving) else { return false }
            answeredFromLRU += 1
            if serving.experiment != nil { armCounts.count(arm: treatedNow ? 1 : 0, label: first.first!.label) }
            if let dashboard = core.dashboard { tally(domain.name, first, serving, dashboard) }
            outcome = .classified(name: domain.name, top: first, more: more)
            if treatedNow { formatter = serving.experiment!.treatedFormatter }
        case let .ipAddress(ip):
            outcome = .ipAddress(ip)
        case .root:
            outcome = .root
        case let .invalid(reason):
            errors += 1
            outcome = .error(reason.description)
        }
        if let tag { Self.appendTag(tag, to: &immediate) }
        formatter.append(outcome, line: line, record: nil, to: &immediate)
        return true
    }

    /// One name answered from the LRUs, for the dashboard (added to its counters once per read).
    private func tally(_ name: String, _ first: ArraySlice<LabelScore>, _ serving: ServingSet, _ dashboard: ServeDashboard) {
        let stats = dashboard.stats(for: serving)
        if tapStats !== stats {
            if tap != nil, let old = tapStats { old.absorb(tap!) }
            tap = stats.makeTap()
            tapStats = stats
        }
        let more = self.more
        ServeDashboard.record(tap!, name: name, top: { m in m == 0 ? first.first!.label : more[m - 1].top.first!.label },
                              treated: treatedNow, serving: serving, client: client)
    }

    /// Every model's LRU answer to `name`: the first model's, the others' in `more`; nil when one is missing.
    private func cachedAnswers(_ name: String, _ serving: ServingSet) -> ArraySlice<LabelScore>? {
        // The slices of the last line share `top`'s storage: dropped first, so `top` is reused, not copied.
        more.removeAll(keepingCapacity: true)
        top.removeAll(keepingCapacity: true)
        var firstEnd = 0
        treatedNow = serving.experiment?.treats(name, client: client) ?? false
        for (m, model) in serving.models.enumerated() {
            let start = top.count
            let cache = m == 0 && treatedNow ? serving.experiment!.treatment.cache : model.cache
            guard cache.cachedAnswer(name, appendingTo: &top) else { return nil }
            if m == 0 { firstEnd = top.count } else { more.append(ModelAnswer(top: top[start...])) }
        }
        return top[..<firstEnd]
    }

    private func tooLong(_ head: [UInt8]) {
        core.metrics.lineRequests.increment()
        core.metrics.errors.increment()
        var out: [UInt8] = []
        head.withUnsafeBufferPointer { line in
            core.slot.current.lineFormatter.append(.error("line over \(maxLineLength) bytes; closing"), line: line, record: nil, to: &out)
        }
        closingError = out
        partial = []
    }

    /// Sends the waiting lines as one job unless one is already out; with none left, ends the connection
    /// after a closing error or the end of the input.
    private func dispatch() {
        guard open, !inFlight, let context, let outbox else { return }
        if readingPaused {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        }
        if pending.isEmpty {
            // The connection ends only once the tagged lines are answered too (`deliverTagged` comes back here).
            if taggedInFlight || !taggedPending.isEmpty { return }
            if let closingError { finish(context, last: closingError) } else if inputClosed { finish(context, last: []) }
            return
        }
        inFlight = true
        let job = pending
        pending = LineBatch()
        let allocator = context.channel.allocator
        outbox.send(ClassifyJob(lines: job, eventLoop: context.eventLoop, client: client) { job, answers, serving in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(job.lines.count * 32 * (1 + serving.models.count))
            var more: [ModelAnswer] = []
            for (i, a) in job.answers.enumerated() {
                let outcome = answers.outcome(a, more: &more)
                let formatter = answers.formatter(a, serving)
                job.lines.withLine(i) { formatter.append(outcome, line: $0, record: nil, to: &bytes) }
            }
            let out = allocator.buffer(bytes: bytes)
            return { self.deliver(out) }
        })
    }

    /// Sends the waiting tagged lines as one job unless one is already out.
    private func dispatchTagged() {
        guard open, !taggedInFlight, !taggedPending.isEmpty, let context, let outbox else { return }
        taggedInFlight = true
        let job = taggedPending, tags = taggedTags
        taggedPending = LineBatch()
        taggedTags = []
        let allocator = context.channel.allocator
        outbox.send(ClassifyJob(lines: job, eventLoop: context.eventLoop, client: client) { job, answers, serving in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(job.lines.count * 40 * (1 + serving.models.count))
            var more: [ModelAnswer] = []
            for (i, a) in job.answers.enumerated() {
                let outcome = answers.outcome(a, more: &more)
                let formatter = answers.formatter(a, serving)
                tags[i].withUnsafeBufferPointer { Self.appendTag($0, to: &bytes) }
                job.lines.withLine(i) { formatter.append(outcome, line: $0, record: nil, to: &bytes) }
            }
            let out = allocator.buffer(bytes: bytes)
            return { self.deliverTagged(out) }
        })
    }

    private func deliverTagged(_ answers: ByteBuffer) {
        taggedInFlight = false
        guard open, let context else { return }
        context.writeAndFlush(wrapOutboundOut(answers), promise: nil)
        dispatchTagged()
        dispatch()
    }

    private static func appendTag(_ tag: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "@"))
        out.append(contentsOf: tag)
        out.append(0x09)
    }

    /// Writes the last bytes and closes. A client still sending gets the write side shut instead, and its
    /// input is read and dropped until it closes (at most `drainLimit`): a close with unread input resets the
    /// connection, and the reset throws away the answers the client has not read yet.
    private func finish(_ context: ChannelHandlerContext, last: [UInt8]) {
        open = false
        let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: last)))
        finalWrite = written
        if inputClosed { return closeAfter(written, context) }
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        drainTimer = context.eventLoop.scheduleTask(in: Self.drainLimit) { channel.close(promise: nil) }
    }

    /// A full close drops writes not yet taken by the socket: close once the last one was.
    private func closeAfter(_ write: EventLoopFuture<Void>, _ context: ChannelHandlerContext) {
        let channel = context.channel
        write.whenComplete { _ in channel.close(promise: nil) }
    }

    private func deliver(_ answers: ByteBuffer) {
        inFlight = false
        guard open, let context else { return }
        var buffer = answers
        answerLeadingLines()
        if !immediate.isEmpty {
            buffer.writeBytes(immediate)
            immediate.removeAll(keepingCapacity: true)
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        dispatch()
    }

    /// Answers the waiting lines up to the first one that needs the model. Without this, the lines that
    /// came while a job was out (mostly cache hits: the client sends them as answers arrive) would all go
    /// to a worker, and their answers would bring the next lines while that job is out: one miss would
    /// keep a pipelining connection on the worker path for good.
    private func answerLeadingLines() {
        let serving = core.slot.current
        var answered = 0
        while answered < pending.count, pending.withLine(answered, { answerNow($0, serving) }) { answered += 1 }
        pending.removeFirst(answered)
        countAnsweredNow(serving)
    }
}
