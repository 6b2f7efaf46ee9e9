import Atomics

/// Open connections, line and HTTP together, against `--max-connections`. A connection over the limit is
/// still accepted, to be told why it is refused, but is not counted.
final class ConnectionLimit: Sendable {
    let limit: Int
    private let open = ManagedAtomic(0)

    init(limit: Int) { self.limit = limit }

    /// True and counted when under the limit; call `release` when that connection closes.
    func admit() -> Bool {
        if open.loadThenWrappingIncrement(ordering: .relaxed) < limit { return true }
        open.wrappingDecrement(ordering: .relaxed)
        return false
    }

    func release() { open.wrappingDecrement(ordering: .relaxed) }
}
