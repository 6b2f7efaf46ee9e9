import Foundation

/// A blocking FIFO with a fixed capacity.
final class BoundedQueue<T>: @unchecked Sendable {
    private var items: [T] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false
    private let condition = NSCondition()

    init(capacity: Int) { self.capacity = capacity }

    func push(_ item: T) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while items.count - head >= capacity, !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func pop() -> T? {
        condition.lock(); defer { condition.unlock() }
        while head == items.count, !closed, !cancelled { condition.wait() }
        if cancelled || head == items.count { return nil }
        let item = items[head]
        head += 1
        if head > 64 { items.removeFirst(head); head = 0 }
        condition.broadcast()
        return item
    }

    func close() { condition.lock(); closed = true; condition.broadcast(); condition.unlock() }
    func cancel() { condition.lock(); cancelled = true; condition.broadcast(); condition.unlock() }
}
