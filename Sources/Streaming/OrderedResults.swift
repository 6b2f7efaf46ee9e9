import Foundation

/// Results keyed by sequence number, handed out strictly in order. `reserve` bounds how far ahead
/// the reader may run, so out-of-order results cannot pile up.
final class OrderedResults: @unchecked Sendable {
    private var results: [Int: [UInt8]] = [:]
    private var next = 0
    private var reserved = 0
    private var total: Int?
    private var cancelled = false
    private let capacity: Int
    private let condition = NSCondition()

    init(capacity: Int) { self.capacity = capacity }

    func reserve() {
        condition.lock(); defer { condition.unlock() }
        while reserved - next >= capacity, !cancelled { condition.wait() }
        reserved += 1
    }

    func put(_ sequence: Int, _ bytes: [UInt8]) {
        condition.lock(); results[sequence] = bytes; condition.broadcast(); condition.unlock()
    }

    func takeNext() -> [UInt8]? {
        condition.lock(); defer { condition.unlock() }
        while results[next] == nil {
            if cancelled { return nil }
            if let total, next >= total { return nil }
            condition.wait()
        }
        let bytes = results.removeValue(forKey: next)!
        next += 1
        condition.broadcast()
        return bytes
    }

    func finish(total: Int) { condition.lock(); self.total = total; condition.broadcast(); condition.unlock() }
    func cancel() { condition.lock(); cancelled = true; condition.broadcast(); condition.unlock() }
}
