import Cache

/// A consumer group's backlog: entries delivered and not acknowledged (`pending`), entries not delivered yet
/// (`lag`; nil when it cannot be told), and each consumer's pending entries.
package struct GroupBacklog: Sendable, Equatable {
    package var pending: Int
    package var lag: Int?
    package var consumerPending: [String: Int] = [:]

    package var description: String { "pending \(pending), lag \(lag.map(String.init) ?? "unknown")" }
}

/// A stream entry id, `MILLISECONDS-SEQUENCE`, ordered as Redis orders them.
struct StreamID: Comparable, CustomStringConvertible {
    let milliseconds: UInt64
    let sequence: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let ms = UInt64(parts[0]), let seq = UInt64(parts[1]) else { return nil }
        (milliseconds, sequence) = (ms, seq)
    }

    static func < (a: StreamID, b: StreamID) -> Bool { (a.milliseconds, a.sequence) < (b.milliseconds, b.sequence) }
    var description: String { "\(milliseconds)-\(sequence)" }
}

extension StreamGroups {
    /// Undelivered entries are counted one by one (only where Redis keeps no count) up to this many; past it
    /// the lag is unknown rather than a scrape that reads the whole stream.
    static let lagCountLimit = 10_000
    static let lagPage = 1_000

    /// XINFO GROUPS and XINFO CONSUMERS for `group`; nil when Redis failed or there is no such group.
    package static func backlog(_ redis: RedisConnection, _ source: StreamAddress, group: String) -> GroupBacklog? {
        var commands = RedisCommands()
        commands.slot = source.slot
        commands.command("XINFO"); commands.add("GROUPS"); commands.add(source.key)
        commands.command("XINFO"); commands.add("CONSUMERS"); commands.add(source.key); commands.add(group)
        guard let replies = redis.pipeline(commands), replies.count == 2,
              let entry = replies[0].array?.first(where: { $0.field("name")?.text == group }),
              let pending = entry.field("pending")?.integer else { return nil }
        var backlog = GroupBacklog(pending: pending, lag: entry.field("lag")?.integer)
        for consumer in replies[1].array ?? [] {
            if let name = consumer.field("name")?.text, let count = consumer.field("pending")?.integer { backlog.consumerPending[name] = count }
        }
        if backlog.lag == nil, let delivered = entry.field("last-delivered-id")?.text.flatMap(StreamID.init) {
            backlog.lag = countLag(redis, source, after: delivered)
        }
        return backlog
    }

    /// The entries after `delivered`, where Redis 7 gives no `lag` (Redis 6 has none; Redis 7 none after entries
    /// ahead of the group were deleted): none when the group has read up to the stream's last id, the whole
    /// stream when the group is behind its first entry, else counted with XRANGE up to `lagCountLimit`.
    static func countLag(_ redis: RedisConnection, _ source: StreamAddress, after delivered: StreamID) -> Int? {
        var commands = RedisCommands()
        commands.slot = source.slot
        commands.command("XINFO"); commands.add("STREAM"); commands.add(source.key)
        guard let info = redis.pipeline(commands)?.first, let length = info.field("length")?.integer,
              let last = info.field("last-generated-id")?.text.flatMap(StreamID.init) else { return nil }
        if length == 0 || delivered >= last { return 0 }
        if let first = info.field("first-entry")?.array?.first?.text.flatMap(StreamID.init), delivered < first { return length }
        var counted = 0
        var after = delivered.description
        while counted <= lagCountLimit {
            commands.removeAll()
            commands.command("XRANGE"); commands.add(source.key); commands.add("(" + after); commands.add("+")
            commands.add("COUNT"); commands.add(lagPage)
            guard let page = redis.pipeline(commands)?.first?.array else { return nil }
            counted += page.count
            guard page.count == lagPage, let id = page.last?.array?.first?.text else { return counted }
            after = id
        }
        return nil
    }
}
