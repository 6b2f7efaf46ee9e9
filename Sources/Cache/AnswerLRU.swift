import Foundation
import Learners

/// A fixed-size least-recently-used map from names (as `NameKey`s) to their top labels, split into shards
/// with their own locks so threads rarely wait on each other. Everything lives in flat arrays — keys, the
/// recency list, the answers `width` labels per slot, an open-addressing index — so an entry costs about
/// 60 bytes and nothing is allocated per entry or per lookup. Capacity 0 turns the cache off.
package final class AnswerLRU: @unchecked Sendable {
    package let capacity: Int
    /// Labels kept per answer; longer answers are cut to this.
    package let width: Int
    /// Unmanaged so a lookup does not retain and release its shard (a shared reference count).
    private let shards: [Unmanaged<AnswerLRUShard>]

    package init(capacity: Int, width: Int, shards shardCount: Int = 16) {
        self.capacity = max(0, capacity)
        self.width = max(1, width)
        let count = max(1, min(shardCount, max(1, capacity / 64)))
        let perShard = (self.capacity + count - 1) / count
        shards = (0..<count).map { _ in .passRetained(AnswerLRUShard(capacity: perShard, width: max(1, width))) }
    }

    deinit { for s in shards { s.release() } }

    @inline(__always) private func withShard<R>(_ key: NameKey, _ body: (AnswerLRUShard) -> R) -> R {
        shards[Int(key.hi % UInt64(shards.count))]._withUnsafeGuaranteedRef(body)
    }

    /// Appends the answer to `top` and returns true when the name is cached (it becomes the most recent).
    package func get(_ key: NameKey, appendingTo top: inout [LabelScore]) -> Bool {
        guard capacity > 0 else { return false }
        return withShard(key) { $0.get(key, appendingTo: &top) }
    }

    /// The answer, or nil; allocates (for tests and cold paths).
    package func get(_ key: NameKey) -> [LabelScore]? {
        var top: [LabelScore] = []
        return get(key, appendingTo: &top) ? top : nil
    }

    /// Whether the name is cached, without making it the most recent.
    package func contains(_ key: NameKey) -> Bool {
        guard capacity > 0 else { return false }
        return withShard(key) { $0.contains(key) }
    }

    /// Inserts or replaces; evicts the shard's least recently used entry when full.
    package func set(_ key: NameKey, _ top: ArraySlice<LabelScore>) {
        guard capacity > 0 else { return }
        withShard(key) { $0.set(key, top) }
    }

    package var count: Int { shards.reduce(0) { $0 + $1.takeUnretainedValue().entries } }

    package func removeAll() { for s in shards { s.takeUnretainedValue().removeAll() } }
}

/// One shard. Its storage is raw memory reserved for the full capacity up front (pages are touched only
/// as entries arrive): a lookup reads and writes it without the reference counting Swift arrays held by
/// a class cost on every access (perf: retain/release were a fifth of `serve`'s samples on a warm cache,
/// these lookups a part of it).
final class AnswerLRUShard {
    private let lock = NSLock()
    private let capacity: Int
    private let width: Int
    private var count = 0
    private let keys: UnsafeMutablePointer<NameKey>
    private let scores: UnsafeMutablePointer<LabelScore>
    private let lengths: UnsafeMutablePointer<UInt8>
    private let prev: UnsafeMutablePointer<Int32>
    private let next: UnsafeMutablePointer<Int32>
    /// Most and least recently used slots; -1 when empty.
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Open addressing with linear probing: slot numbers, -1 for empty. At most half full; grows by doubling.
    private var index: UnsafeMutablePointer<Int32>
    private var indexMask = 63

    init(capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
        keys = .allocate(capacity: max(1, capacity))
        scores = .allocate(capacity: max(1, capacity * width))
        lengths = .allocate(capacity: max(1, capacity))
        prev = .allocate(capacity: max(1, capacity))
        next = .allocate(capacity: max(1, capacity))
        index = .allocate(capacity: indexMask + 1)
        index.initialize(repeating: -1, count: indexMask + 1)
    }

    deinit {
        keys.deallocate(); scores.deallocate(); lengths.deallocate(); prev.deallocate(); next.deallocate()
        index.deallocate()
    }

    var entries: Int { lock.lock(); defer { lock.unlock() }; return count }

    func get(_ key: NameKey, appendingTo top: inout [LabelScore]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let slot = index[find(key)]
        guard slot >= 0 else { return false }
        moveToFront(slot)
        top.append(contentsOf: UnsafeBufferPointer(start: scores + Int(slot) * width, count: Int(lengths[Int(slot)])))
        return true
    }

    func contains(_ key: NameKey) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return index[find(key)] >= 0
    }

    func set(_ key: NameKey, _ top: ArraySlice<LabelScore>) {
        lock.lock(); defer { lock.unlock() }
        let position = find(key)
        if index[position] >= 0 {
            write(top, at: index[position])
            moveToFront(index[position])
            return
        }
        let slot: Int32
        if count < capacity {
            slot = Int32(count)
            (keys + count).initialize(to: key)
            count += 1
            if count * 2 > indexMask + 1 { grow() }
            index[find(key)] = slot
        } else {
            slot = tail
            unlink(slot)
            remove(at: find(keys[Int(slot)]))
            keys[Int(slot)] = key
            index[find(key)] = slot
        }
        write(top, at: slot)
        pushFront(slot)
    }

    func removeAll() {
        lock.lock(); defer { lock.unlock() }
        count = 0
        index.update(repeating: -1, count: indexMask + 1)
        head = -1; tail = -1
    }

    private func write(_ top: ArraySlice<LabelScore>, at slot: Int32) {
        let n = min(top.count, width)
        let start = Int(slot) * width
        for (i, s) in top.prefix(n).enumerated() { scores[start + i] = s }
        lengths[Int(slot)] = UInt8(n)
    }

    /// The index position holding `key`, or the empty position where it would go.
    @inline(__always) private func find(_ key: NameKey) -> Int {
        var p = Int(truncatingIfNeeded: key.lo) & indexMask
        while true {
            let slot = index[p]
            if slot < 0 || keys[Int(slot)] == key { return p }
            p = (p + 1) & indexMask
        }
    }

    /// Deletes the entry at `position`, moving later entries of the probe run back (no tombstones).
    private func remove(at position: Int) {
        var hole = position
        var p = (position + 1) & indexMask
        while index[p] >= 0 {
            let home = Int(truncatingIfNeeded: keys[Int(index[p])].lo) & indexMask
            // Move the entry into the hole unless its home lies cyclically in (hole, p].
            let stays = hole <= p ? (home > hole && home <= p) : (home > hole || home <= p)
            if !stays { index[hole] = index[p]; hole = p }
            p = (p + 1) & indexMask
        }
        index[hole] = -1
    }

    private func grow() {
        index.deallocate()
        indexMask = indexMask * 2 + 1
        index = .allocate(capacity: indexMask + 1)
        index.initialize(repeating: -1, count: indexMask + 1)
        for slot in 0..<count { index[find(keys[slot])] = Int32(slot) }
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
