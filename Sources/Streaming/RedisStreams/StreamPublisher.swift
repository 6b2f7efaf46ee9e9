import Cache
import Dispatch
import Foundation
import Lines

/// Counters of one `publish` run.
package struct PublishStats: Sendable {
    package var lines = 0
    package var published = 0
    package var entries = 0
    package var noQuery = 0
    package var malformed = 0
    /// Batches tried again after Redis failed (an entry of one that reached Redis before the failure is then in
    /// the stream twice: at least once, never lost).
    package var retried = 0

    package func summary(seconds: Double) -> String {
        var s = "domcat: \(lines) lines, \(published) names published in \(entries) entries, \(noQuery) without a query, \(malformed) malformed"
        if retried > 0 { s += ", \(retried) batches retried after a Redis failure" }
        return s + String(format: "; %.2f s, %.0f names/s\n", seconds, Double(published) / max(seconds, 1e-9))
    }
}

/// Reads log lines in any format `classify` reads and appends their query names to a Redis Stream (field `q`:
/// up to `namesPerEntry` names as logged, newline-separated; the consumers normalise them exactly as `classify`
/// does), the XADDs of a batch of lines pipelined in one round trip. An entry holds only names already read, so
/// packing adds no wait; it spreads Redis's cost per entry (several microseconds) over its names. Lines
/// without a query are counted, not sent. While Redis is away the
/// batch in hand is retried (after the connection's backoff), so input waits rather than being dropped.
package final class StreamPublisher {
    let address: StreamAddress
    let maxLength: Int?
    let namesPerEntry: Int
    let redis: RedisConnection
    let input: LogFormatKind?
    let column: String?
    package private(set) var stats = PublishStats()
    private var commands = RedisCommands()

    package init(address: StreamAddress, maxLength: Int?, namesPerEntry: Int, input: LogFormatKind?, column: String?, health: RedisHealth) {
        self.address = address
        self.namesPerEntry = max(1, namesPerEntry)
        self.maxLength = maxLength
        self.input = input
        self.column = column
        redis = RedisConnection(settings: StreamRedis.settings(address.endpoint), health: health)
        commands.slot = address.slot
    }

    package func run(_ readers: [LineReader]) throws {
        var batch = LineBatch()
        var index = 0
        var format: (any LogFormat)?
        while true {
            batch.removeAll()
            while index < readers.count, batch.count == 0 {
                if try !readers[index].nextBatch(into: &batch) { index += 1 }
            }
            if batch.count == 0 { return }
            if format == nil {
                let kind = input ?? LogFormats.detect((0..<min(batch.count, 20)).map { i in
                    batch.bytes.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[batch.starts[i]..<batch.ends[i]]) }
                })
                format = LogFormats.make(kind, column: column)
            }
            commands.removeAll()
            var names = 0
            batch.bytes.withUnsafeBufferPointer { all in
                for i in 0..<batch.count {
                    stats.lines += 1
                    let line = UnsafeBufferPointer(rebasing: all[batch.starts[i]..<batch.ends[i]])
                    if batch.overlong.contains(i) { stats.malformed += 1; continue }
                    switch format!.parse(line) {
                    case .noQuery: stats.noQuery += 1
                    case .malformed: stats.malformed += 1
                    case let .query(record):
                        let name = UnsafeBufferPointer(rebasing: line[record.name])
                        if names % namesPerEntry == 0 {
                            commands.command("XADD")
                            commands.add(address.key)
                            if let maxLength { commands.add("MAXLEN"); commands.add("~"); commands.add(maxLength) }
                            commands.add("*")
                            commands.add(StreamField.name)
                            commands.add(name)
                        } else {
                            commands.appendToLastArgument(CollectionOfOne(0x0A))
                            commands.appendToLastArgument(name)
                        }
                        names += 1
                    }
                }
            }
            try send(names: names)
        }
    }

    /// Sends the batch's XADDs until Redis has taken them.
    private func send(names: Int) throws {
        guard !commands.isEmpty else { return }
        var attempt = 0
        while true {
            if let replies = redis.pipeline(commands) {
                if let refused = replies.lazy.compactMap(\.errorText).first { throw StreamCommandError("XADD \(address.key)", refused) }
                stats.published += names
                stats.entries += commands.count
                return
            }
            attempt += 1
            if attempt == 1 { stats.retried += 1 }
            StreamRedis.pause()
        }
    }
}

/// Settings shared by the stream commands' connections.
package enum StreamRedis {
    /// Longer than any BLOCK of a read, so a quiet stream is not mistaken for a dead server.
    static let timeoutMilliseconds = 5_000

    static func settings(_ endpoint: RedisEndpoint) -> RedisSettings {
        RedisSettings(endpoint: endpoint, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Between attempts while Redis is unreachable (the connection adds its own doubling backoff).
    static func pause() { usleep(50_000) }
}
