import Foundation

/// What the consumers of one process did.
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
}

/// The consumers' counts, added to by each consumer thread after each batch and read while they run (`/metrics`)
/// and at the end (the summary).
package final class ConsumeTally: @unchecked Sendable {
    private let lock = NSLock()
    private var stats = ConsumeStats()

    package init() {}

    func add(_ change: (inout ConsumeStats) -> Void) {
        lock.lock()
        change(&stats)
        lock.unlock()
    }

    package var snapshot: ConsumeStats {
        lock.lock(); defer { lock.unlock() }
        return stats
    }
}
