import Cache

/// How `classify --from` takes its names from a Redis Stream consumer group and where its answers go.
package struct ConsumeOptions: Sendable {
    package var source: StreamAddress
    package var group: String
    /// This process's consumer name; with several threads each is a consumer of its own, `NAME-1`, `NAME-2`, …
    package var consumer: String
    /// The answers' stream (on the same Redis, in the source's hash slot); nil: stdout.
    package var output: StreamAddress?
    /// `MAXLEN ~` for the output stream.
    package var outputMaxLength: Int?
    /// Entries per XREADGROUP (and per transaction).
    package var count = 32
    /// Entries pending this long at another consumer (one that died mid-batch) are claimed (XAUTOCLAIM).
    package var claimIdleMilliseconds: Int?
    /// Exit once nothing was read or claimed for this long and no entry of the group is pending; nil: run until stopped.
    package var stopWhenIdleMilliseconds: Int?

    package init(source: StreamAddress, group: String, consumer: String) {
        self.source = source
        self.group = group
        self.consumer = consumer
    }

    /// The name of consumer `index` of `threads`.
    func consumerName(_ index: Int, of threads: Int) -> String { threads == 1 ? consumer : "\(consumer)-\(index + 1)" }
}

/// What the consumers of one process did, and the group's backlog as XINFO GROUPS gave it at the end.
package struct ConsumeStats: Sendable {
    /// Entries read (each holds one or more names).
    package var read = 0
    /// Of `read`: entries taken over from another consumer after `--claim-idle`.
    package var claimed = 0
    /// Entries answered, and the names they held.
    package var answered = 0
    package var names = 0
    /// Pending entries whose data `MAXLEN` had trimmed away: acknowledged without an answer.
    package var trimmed = 0
    /// Transactions that failed (Redis went away): their entries are read again from this consumer's pending list.
    package var retried = 0

    mutating func add(_ other: ConsumeStats) {
        read += other.read; claimed += other.claimed; answered += other.answered; names += other.names; trimmed += other.trimmed
        retried += other.retried
    }
}

/// A consumer group's backlog: entries delivered and not acknowledged, and entries not yet delivered
/// (nil when Redis cannot tell, after the stream was trimmed past unread entries).
package struct GroupBacklog: Sendable, Equatable {
    package var pending: Int
    package var lag: Int?

    /// From XINFO GROUPS's reply, the group named `group`.
    init?(xinfo reply: RedisValue, group: String) {
        guard let groups = reply.array,
              let entry = groups.first(where: { $0.field("name")?.text == group }),
              let pending = entry.field("pending")?.integer else { return nil }
        self.pending = pending
        lag = entry.field("lag")?.integer
    }

    package var description: String { "pending \(pending), lag \(lag.map(String.init) ?? "unknown")" }
}
