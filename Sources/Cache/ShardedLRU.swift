import Foundation

/// A fixed-size least-recently-used map from names to values, split into shards that each have their own lock,
/// so worker threads rarely wait on each other. Each shard is a doubly linked list kept in arrays (no node objects)
/// plus a dictionary from key to slot. Capacity 0 turns the cache off.
public final class ShardedLRU<Value>: @unchecked Sendable {
    public let capacity: Int
    private let shards: [LRUShard<Value>]

    public init(capacity: Int, shards shardCount: Int = 16) {
        self.capacity = max(0, capacity)
        let count = max(1, min(shardCount, max(1, capacity / 64)))
        let perShard = (self.capacity + count - 1) / count
        shards = (0..<count).map { _ in LRUShard(capacity: perShard) }
    }

    @inline(__always) private func shard(_ key: String) -> LRUShard<Value> {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }

    /// The value, which becomes the most recently used.
    public func get(_ key: String) -> Value? {
        guard capacity > 0 else { return nil }
        return shard(key).get(key)
    }

    /// Inserts or replaces; evicts the least recently used entry of the shard when full.
    public func set(_ key: String, _ value: Value) {
        guard capacity > 0 else { return }
        shard(key).set(key, value)
    }

    public var count: Int { shards.reduce(0) { $0 + $1.count } }

    public func removeAll() { for s in shards { s.removeAll() } }
}

final class LRUShard<Value> {
    private let lock = NSLock()
    private let capacity: Int
    private var slots: [String: Int32] = [:]
    private var keys: [String] = []
    private var values: [Value] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    /// Most and least recently used slots; -1 when empty.
    private var head: Int32 = -1
    private var tail: Int32 = -1

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { lock.lock(); defer { lock.unlock() }; return slots.count }

    func get(_ key: String) -> Value? {
        lock.lock(); defer { lock.unlock() }
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return values[Int(slot)]
    }

    func set(_ key: String, _ value: Value) {
        lock.lock(); defer { lock.unlock() }
        if let slot = slots[key] {
            values[Int(slot)] = value
            moveToFront(slot)
            return
        }
        let slot: Int32
        if keys.count < capacity {
            slot = Int32(keys.count)
            keys.append(key); values.append(value); prev.append(-1); next.append(-1)
        } else {
            slot = tail
            unlink(slot)
            slots.removeValue(forKey: keys[Int(slot)])
            keys[Int(slot)] = key
            values[Int(slot)] = value
        }
        slots[key] = slot
        pushFront(slot)
    }

    func removeAll() {
        lock.lock(); defer { lock.unlock() }
        slots.removeAll(); keys.removeAll(); values.removeAll(); prev.removeAll(); next.removeAll()
        head = -1; tail = -1
    }

    private func moveToFront(_ slot: Int32) {
        guard slot != head else { return }
        unlink(slot)
        pushFront(slot)
    }

    private func unlink(_ slot: Int32) {
        let p = prev[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { prev[Int(n)] = p } else { tail = p }
        prev[Int(slot)] = -1; next[Int(slot)] = -1
    }

    private func pushFront(_ slot: Int32) {
        prev[Int(slot)] = -1
        next[Int(slot)] = head
        if head >= 0 { prev[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }
}
