import Atomics
import Logging

/// What every Redis connection of a process reports to: up or down, and how many failures.
/// A warning is logged once per transition (not per failed request), so an outage does not flood the log.
package final class RedisHealth: Sendable {
    package let endpoint: RedisEndpoint
    private let up = ManagedAtomic<Bool>(true)
    private let everConnected = ManagedAtomic<Bool>(false)
    private let errorCount = ManagedAtomic<Int>(0)
    private let logger: Logger

    package init(endpoint: RedisEndpoint, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    /// True when the last attempt of any connection succeeded.
    package var isUp: Bool { up.load(ordering: .relaxed) && everConnected.load(ordering: .relaxed) }
    /// Connects and commands that failed or timed out, since start.
    package var errors: Int { errorCount.load(ordering: .relaxed) }

    func succeeded() {
        everConnected.store(true, ordering: .relaxed)
        if up.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            logger.notice("redis \(endpoint) reachable again; cache in use")
        }
    }

    func failed(_ reason: String) {
        errorCount.wrappingIncrement(ordering: .relaxed)
        if up.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged {
            logger.warning("redis \(endpoint) unavailable (\(reason)); answering from the model, retrying with backoff")
        }
    }
}
