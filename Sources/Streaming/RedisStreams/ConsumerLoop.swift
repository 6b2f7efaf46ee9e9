import Cache
import Dispatch
import Foundation
import Lines

/// One consumer of the group, on its own thread with its own Redis connection and `LineWorker`: reads a batch
/// (its own pending entries first, then new ones, and other consumers' long-idle ones with `--claim-idle`),
/// classifies it as `classify` does a batch of plain names, and hands back each answer with its entry's id —
/// to the output stream in the same MULTI/EXEC as the XACK, so an entry is acknowledged exactly when its answer
/// is stored, or to stdout followed by the XACK.
final class ConsumerLoop {
    let name: String
    let options: ConsumeOptions
    let worker: LineWorker
    let redis: RedisConnection
    let stop: StopFlag
    let tally: ConsumeTally
    private var batch = LineBatch()
    private var out: [UInt8] = []
    private var commands = RedisCommands()
    /// Read this consumer's pending list (id 0) rather than new entries (`>`): at the start, and after a
    /// transaction whose outcome is unknown.
    private var ownPending = true
    private var claimCursor = "0-0"
    private var lastClaim: UInt64 = 0

    init(name: String, options: ConsumeOptions, worker: LineWorker, health: RedisHealth, tally: ConsumeTally, stop: StopFlag) {
        self.name = name
        self.tally = tally
        self.options = options
        self.worker = worker
        self.stop = stop
        redis = RedisConnection(settings: StreamRedis.settings(options.source.endpoint), health: health)
        // Every command here touches the source stream or its answers, one hash slot (checked by the CLI).
        commands.slot = options.source.slot
    }

    /// Until stopped, or idle as `stopWhenIdleMilliseconds` says; `sink` (stdout) is shared, behind `sinkLock`.
    func run(sink: OutputSink, sinkLock: NSLock) throws {
        var lastWork = Self.now()
        let block = [1000, options.stopWhenIdleMilliseconds, options.claimIdleMilliseconds.map { max(1, $0 / 2) }]
            .compactMap { $0 }.min()!
        while !stop.isSet {
            if let claimed = try claim() {
                try answer(claimed, sink: sink, sinkLock: sinkLock)
                lastWork = Self.now()
                continue
            }
            guard let entries = try read(block: block) else { StreamRedis.pause(); continue }
            if entries.isEmpty {
                if ownPending { ownPending = false; continue }
                if let idle = options.stopWhenIdleMilliseconds, Self.now() - lastWork >= UInt64(idle) * 1_000_000,
                   let backlog = StreamGroups.backlog(redis, options.source, group: options.group), backlog.pending == 0,
                   backlog.lag ?? 0 == 0 { return }
                continue
            }
            try answer(entries, sink: sink, sinkLock: sinkLock)
            lastWork = Self.now()
        }
    }

    /// XREADGROUP: this consumer's pending entries or new ones; nil when Redis failed.
    private func read(block: Int) throws -> [StreamEntry]? {
        commands.removeAll()
        commands.command("XREADGROUP")
        commands.add("GROUP"); commands.add(options.group); commands.add(name)
        commands.add("COUNT"); commands.add(options.count)
        if !ownPending { commands.add("BLOCK"); commands.add(block) }
        commands.add("STREAMS"); commands.add(options.source.key); commands.add(ownPending ? "0" : ">")
        guard let reply = redis.pipeline(commands)?.first else { return nil }
        if let refused = reply.errorText { throw StreamCommandError("XREADGROUP", refused) }
        let entries = StreamEntry.fromRead(reply)
        tally.add { $0.read += entries.count }
        return entries
    }

    /// With `--claim-idle`, every half of it (and at once again while there is more): XAUTOCLAIM of entries
    /// idle that long at other consumers. nil when it is not time, nothing was claimed or Redis failed.
    private func claim() throws -> [StreamEntry]? {
        guard let idle = options.claimIdleMilliseconds else { return nil }
        let now = Self.now()
        guard claimCursor != "0-0" || now - lastClaim >= UInt64(max(1, idle / 2)) * 1_000_000 else { return nil }
        lastClaim = now
        commands.removeAll()
        commands.command("XAUTOCLAIM")
        commands.add(options.source.key); commands.add(options.group); commands.add(name); commands.add(idle)
        commands.add(claimCursor); commands.add("COUNT"); commands.add(options.count)
        guard let reply = redis.pipeline(commands)?.first else { return nil }
        if let refused = reply.errorText { throw StreamCommandError("XAUTOCLAIM", refused) }
        guard let parts = reply.array, parts.count >= 2 else { return nil }
        claimCursor = parts[0].text ?? "0-0"
        var entries = StreamEntry.list(parts[1])
        // Redis 7 lists the claimed ids whose data was trimmed apart; they are acknowledged like trimmed entries.
        if parts.count >= 3, let deleted = parts[2].array {
            entries += deleted.compactMap { $0.bytes.map { StreamEntry(id: $0, fields: nil) } }
        }
        tally.add { $0.read += entries.count; $0.claimed += entries.count }
        return entries.isEmpty ? nil : entries
    }

    /// Classifies `entries` and stores each entry's answers (one line per name, newline-separated, as its names
    /// were) with its id, acknowledging them.
    private func answer(_ entries: [StreamEntry], sink: OutputSink, sinkLock: NSLock) throws {
        batch.removeAll()
        var answeredIds: [[UInt8]] = []
        var trimmedIds: [[UInt8]] = []
        /// The number of names of each answered entry, so its answer lines are found again.
        var namesPerEntry: [Int] = []
        for entry in entries {
            guard entry.fields != nil else { trimmedIds.append(entry.id); continue }
            let names = entry.value(StreamField.name) ?? []
            var count = 0
            names.withUnsafeBufferPointer { all in
                var start = 0
                for i in 0...all.count where i == all.count || all[i] == 0x0A {
                    // A stray CR (no logged name holds one) would end the answer line early: it becomes `?`, and
                    // the name is then answered as invalid.
                    let name = UnsafeBufferPointer(rebasing: all[start..<i])
                    if name.contains(0x0D) {
                        name.map { $0 == 0x0D ? UInt8(ascii: "?") : $0 }.withUnsafeBufferPointer { batch.append($0) }
                    } else {
                        batch.append(name)
                    }
                    count += 1
                    start = i + 1
                }
            }
            answeredIds.append(entry.id)
            namesPerEntry.append(count)
        }
        out.removeAll(keepingCapacity: true)
        if batch.count > 0 { worker.process(batch, into: &out) }
        let lines = Self.lineRanges(out)
        precondition(lines.count == batch.count, "one answer line per name")
        // Each entry's answer lines, back to back in `out` with their newlines between.
        var entryAnswers: [Range<Int>] = []
        entryAnswers.reserveCapacity(answeredIds.count)
        var line = 0
        for count in namesPerEntry {
            entryAnswers.append(lines[line].lowerBound..<lines[line + count - 1].upperBound)
            line += count
        }
        if let output = options.output {
            commands.removeAll()
            commands.command("MULTI")
            for (id, range) in zip(answeredIds, entryAnswers) {
                commands.command("XADD"); commands.add(output.key)
                if let maxLength = options.outputMaxLength { commands.add("MAXLEN"); commands.add("~"); commands.add(maxLength) }
                commands.add("*")
                commands.add(StreamField.source); commands.add(id)
                commands.add(StreamField.answer); commands.add(out[range])
            }
            addAck(answeredIds + trimmedIds)
            commands.command("EXEC")
            guard let replies = redis.pipeline(commands) else { return retryLater() }
            if let refused = replies.lazy.compactMap(\.errorText).first { throw StreamCommandError("MULTI/XADD/XACK/EXEC", refused) }
            guard let exec = replies.last?.array else { return retryLater() }
            if let refused = exec.lazy.compactMap(\.errorText).first { throw StreamCommandError("XADD/XACK in EXEC", refused) }
        } else {
            var text: [UInt8] = []
            text.reserveCapacity(out.count + answeredIds.count * 20)
            var line = 0
            for (id, count) in zip(answeredIds, namesPerEntry) {
                for range in lines[line..<line + count] { text += id; text.append(0x09); text += out[range]; text.append(0x0A) }
                line += count
            }
            sinkLock.lock()
            defer { sinkLock.unlock() }
            try sink.write(text)
            commands.removeAll()
            addAck(answeredIds + trimmedIds)
            guard let replies = redis.pipeline(commands) else { return retryLater() }
            if let refused = replies.first?.errorText { throw StreamCommandError("XACK", refused) }
        }
        let (answered, names, trimmed) = (answeredIds.count, batch.count, trimmedIds.count)
        tally.add { $0.answered += answered; $0.names += names; $0.trimmed += trimmed }
    }

    private func addAck(_ ids: [[UInt8]]) {
        commands.command("XACK"); commands.add(options.source.key); commands.add(options.group)
        for id in ids { commands.add(id) }
    }

    /// A transaction whose reply never came may or may not have run: its entries are still pending here if it
    /// did not, so this consumer reads its pending list next, answering exactly those again.
    private func retryLater() {
        tally.add { $0.retried += 1 }
        ownPending = true
        StreamRedis.pause()
    }

    /// The ranges of the lines of `bytes`, newlines excluded.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            ranges.append(start..<i)
            start = i + 1
        }
        return ranges
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// Set once to ask every consumer thread to finish its batch and stop.
package final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    package init() {}
    package var isSet: Bool { lock.lock(); defer { lock.unlock() }; return set }
    package func raise() { lock.lock(); set = true; lock.unlock() }
}

/// Consumer-group commands outside the read loop.
package enum StreamGroups {
    /// XGROUP CREATE … MKSTREAM, starting at the stream's first entry; a group that exists already is kept as it is.
    static func create(_ redis: RedisConnection, _ source: StreamAddress, group: String) throws -> Bool {
        var commands = RedisCommands()
        commands.slot = source.slot
        commands.command("XGROUP"); commands.add("CREATE"); commands.add(source.key); commands.add(group)
        commands.add("0"); commands.add("MKSTREAM")
        guard let reply = redis.pipeline(commands)?.first else { return false }
        if let refused = reply.errorText, !refused.hasPrefix("BUSYGROUP") { throw StreamCommandError("XGROUP CREATE", refused) }
        return true
    }
}
