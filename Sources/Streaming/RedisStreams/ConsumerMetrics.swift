import Cache
import Foundation

/// `/metrics` (Prometheus text) of `classify --from … --metrics`: the group's backlog as XINFO gives it at each
/// scrape — the same figures from every consumer of the group, so any one of them can be scraped — the
/// pending entries of this process's consumers, and what this process answered.
package final class ConsumerMetrics: @unchecked Sendable {
    private let consume: ConsumeOptions
    private let consumers: [String]
    private let tally: ConsumeTally
    /// Used by one scrape at a time (hiredis contexts are not thread-safe).
    private let redis: RedisConnection
    private let lock = NSLock()

    init(consume: ConsumeOptions, consumers: [String], tally: ConsumeTally, redis: RedisConnection) {
        (self.consume, self.consumers, self.tally, self.redis) = (consume, consumers, tally, redis)
    }

    package func text() -> String {
        lock.lock()
        let backlog = StreamGroups.backlog(redis, consume.source, group: consume.group)
        lock.unlock()
        let group = "stream=\"\(Self.escape(consume.source.key))\",group=\"\(Self.escape(consume.group))\""
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ rows: [(labels: String, value: Int)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for row in rows { out += "\(name){\(row.labels)} \(row.value)\n" }
        }
        metric("domcat_stream_backlog_up", "gauge", "1 when Redis answered XINFO for the group at this scrape, 0 when not (no backlog figures then).",
               [(group, backlog == nil ? 0 : 1)])
        if let backlog {
            metric("domcat_stream_group_pending", "gauge", "Entries delivered to the group's consumers and not acknowledged (XINFO GROUPS pending).",
                   [(group, backlog.pending)])
            if let lag = backlog.lag {
                metric("domcat_stream_group_lag", "gauge", "Entries of the stream not yet delivered to the group (XINFO GROUPS lag; counted where Redis keeps no count).",
                       [(group, lag)])
            }
            metric("domcat_stream_consumer_pending", "gauge", "Entries pending at each of this process's consumers (XINFO CONSUMERS).",
                   consumers.map { (group + ",consumer=\"\(Self.escape($0))\"", backlog.consumerPending[$0] ?? 0) })
        }
        let s = tally.snapshot
        metric("domcat_stream_entries_answered_total", "counter", "Entries this process answered and acknowledged since it started.", [(group, s.answered)])
        metric("domcat_stream_entries_claimed_total", "counter", "Entries this process took over from idle consumers (XAUTOCLAIM) since it started.", [(group, s.claimed)])
        metric("domcat_stream_entries_trimmed_total", "counter", "Pending entries whose data MAXLEN had trimmed away, acknowledged without an answer.", [(group, s.trimmed)])
        metric("domcat_stream_names_total", "counter", "Names this process answered since it started.", [(group, s.names)])
        metric("domcat_stream_batches_retried_total", "counter", "Batches read again after a Redis failure left their transaction's outcome unknown.",
               [(group, s.retried)])
        return out
    }

    /// A Prometheus label value: backslash, double quote and newline escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
