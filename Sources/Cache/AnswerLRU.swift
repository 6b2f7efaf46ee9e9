import Foundation
import Learners

/// A fixed-size least-recently-used map from names (as `NameKey`s) to their top labels, split into shards
/// with their own locks so threads rarely wait on each other. Everything lives in flat arrays — keys, the
/// recency list, the answers `width` labels per slot, an open-addressing index — so an entry costs about
/// 60 bytes and nothing is allocated per entry or per lookup. Capacity 0 turns the cache off.
public final class AnswerLRU: @unchecked Sendable {
    public let capacity: Int
    /// Labels kept per answer; longer answers are cut to this.
    public let width: Int
    private let shards: [AnswerLRUShard]

    public init(capacity: Int, width: Int, shards shardCount: Int = 16) {
        self.capacity = max(0, capacity)
        self.width = max(1, width)
        let count = max(1, min(shardCount, max(1, capacity / 64)))
        let perShard = (self.capacity + count - 1) / count
        shards = (0..<count).map { _ in AnswerLRUShard(capacity: perShard, width: max(1, width)) }
    }

    @inline(__always) private func shard(_ key: NameKey) -> AnswerLRUShard {
        shards[Int(key.hi % UInt64(shards.count))]
    }

    /// Appends the answer to `top` and returns true when the name is cached (it becomes the most recent).
    public func get(_ key: NameKey, appendingTo top: inout [LabelScore]) -> Bool {
        guard capacity > 0 else { return false }
        return shard(key).get(key, appendingTo: &top)
    }

    /// The answer, or nil; allocates (for tests and cold paths).
    public func get(_ key: NameKey) -> [LabelScore]? {
        var top: [LabelScore] = []
        return get(key, appendingTo: &top) ? top : nil
    }

    /// Whether the name is cached, without making it the most recent.
    public func contains(_ key: NameKey) -> Bool {
        guard capacity > 0 else { return false }
        return shard(key).contains(key)
    }

    /// Inserts or replaces; evicts the shard's least recently used entry when full.
    public func set(_ key: NameKey, _ top: ArraySlice<LabelScore>) {
        guard capacity > 0 else { return }
        shard(key).set(key, top)
    }

    public var count: Int { shards.reduce(0) { $0 + $1.count } }

    public func removeAll() { for s in shards { s.removeAll() } }
}

final class AnswerLRUShard {
    private let lock = NSLock()
    private let capacity: Int
    private let width: Int
    private var keys: [NameKey] = []
    private var scores: [LabelScore] = []
    private var lengths: [UInt8] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    /// Most and least recently used slots; -1 when empty.
    private var head: Int32 = -1
    private var tail: Int32 = -1
    /// Open addressing with linear probing: slot numbers, -1 for empty. At most half full.
    private var index: [Int32] = Array(repeating: -1, count: 64)

    init(capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
    }

    var count: Int { lock.lock(); defer { lock.unlock() }; return keys.count }

    func get(_ key: NameKey, appendingTo top: inout [LabelScore]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let position = find(key)
        guard index[position] >= 0 else { return false }
        let slot = index[position]
        moveToFront(slot)
        let start = Int(slot) * width
        top.append(contentsOf: scores[start..<start + Int(lengths[Int(slot)])])
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
        if keys.count < capacity {
            slot = Int32(keys.count)
            keys.append(key)
            scores.append(contentsOf: repeatElement(LabelScore(label: 0, probability: 0), count: width))
            lengths.append(0); prev.append(-1); next.append(-1)
            if keys.count * 2 > index.count { grow() }
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
        keys.removeAll(); scores.removeAll(); lengths.removeAll(); prev.removeAll(); next.removeAll()
        index = Array(repeating: -1, count: 64)
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
        let mask = index.count - 1
        var p = Int(truncatingIfNeeded: key.lo) & mask
        while true {
            let slot = index[p]
            if slot < 0 || keys[Int(slot)] == key { return p }
            p = (p + 1) & mask
        }
    }

    /// Deletes the entry at `position`, moving later entries of the probe run back (no tombstones).
    private func remove(at position: Int) {
        let mask = index.count - 1
        var hole = position
        var p = (position + 1) & mask
        while index[p] >= 0 {
            let home = Int(truncatingIfNeeded: keys[Int(index[p])].lo) & mask
            // Move the entry into the hole unless its home lies cyclically in (hole, p].
            let stays = hole <= p ? (home > hole && home <= p) : (home > hole || home <= p)
            if !stays { index[hole] = index[p]; hole = p }
            p = (p + 1) & mask
        }
        index[hole] = -1
    }

    private func grow() {
        index = Array(repeating: -1, count: index.count * 2)
        for slot in keys.indices { index[find(keys[slot])] = Int32(slot) }
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
