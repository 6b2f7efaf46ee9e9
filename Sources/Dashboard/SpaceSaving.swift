/// The k most frequent keys of several streams in fixed memory (Metwally, Agrawal, El Abbadi: Space-Saving), one
/// summary per stream (the dashboard: one per label of a model). Every key counted is either held with its count
/// or, when its summary is full, takes the place of the least counted one, inheriting its count as an
/// over-estimate (`error`). A held key's true count lies in [count − error, count]; every key more frequent than
/// total / k is held.
/// One object over raw buffers for all of a model's labels: the dashboard counts every name through here, and
/// an object per label (or arrays per field) would cost a reference count or a copy-on-write check per name,
/// more than the counting. A family is replaced each window, never copied.
final class SpaceSaving: @unchecked Sendable {
    struct Entry {
        var key: UInt64
        var name: String
        var count: Int
        var error: Int
    }

    /// Longer names are shown cut (a DNS name has at most 253 bytes).
    static let maxNameBytes = 255

    let summaries: Int
    let capacity: Int
    /// Per summary: what was counted, and its places in use.
    private let totals: UnsafeMutablePointer<Int>
    private let used: UnsafeMutablePointer<Int>
    /// Per summary, the places that held the least count (`least`) when last looked for. A long tail of names
    /// evicts on most counts, and in a tail most places share the least count: one scan finds dozens to evict
    /// in turn, and counting a held key is one add (no order to keep). A candidate counted since is skipped:
    /// counts only grow, so one still at `least` is a least.
    private let least: UnsafeMutablePointer<Int>
    private let candidateCounts: UnsafeMutablePointer<Int>
    private let candidates: UnsafeMutablePointer<Int32>
    /// `capacity` places per summary; a key keeps its place until evicted.
    private let keys: UnsafeMutablePointer<UInt64>
    private let counts: UnsafeMutablePointer<Int>
    private let errors: UnsafeMutablePointer<Int>
    /// Each place's name as bytes in a fixed slot: a name taken in is copied, never allocated, so counting on
    /// one thread never frees a string another thread made.
    private let nameBytes: UnsafeMutablePointer<UInt8>
    private let nameLengths: UnsafeMutablePointer<UInt8>
    /// Per summary, key → place, open addressing with linear probing (-1: empty). The keys are hashes already,
    /// so a multiply spreads them.
    private let slots: UnsafeMutablePointer<Int32>
    private let slotsPerSummary: Int

    init(summaries: Int = 1, capacity: Int) {
        precondition(capacity > 0)
        self.summaries = summaries
        self.capacity = capacity
        let places = summaries * capacity
        totals = .allocate(capacity: summaries)
        totals.initialize(repeating: 0, count: summaries)
        used = .allocate(capacity: summaries)
        used.initialize(repeating: 0, count: summaries)
        least = .allocate(capacity: summaries)
        least.initialize(repeating: 0, count: summaries)
        candidateCounts = .allocate(capacity: summaries)
        candidateCounts.initialize(repeating: 0, count: summaries)
        candidates = .allocate(capacity: places)
        keys = .allocate(capacity: places)
        counts = .allocate(capacity: places)
        errors = .allocate(capacity: places)
        nameBytes = .allocate(capacity: places * Self.maxNameBytes)
        nameLengths = .allocate(capacity: places)
        var size = 16
        while size < 4 * capacity { size <<= 1 }
        slotsPerSummary = size
        slots = .allocate(capacity: summaries * size)
        slots.initialize(repeating: -1, count: summaries * size)
    }

    deinit {
        totals.deallocate(); used.deallocate(); least.deallocate(); candidateCounts.deallocate(); candidates.deallocate()
        keys.deallocate(); counts.deallocate(); errors.deallocate()
        nameBytes.deallocate(); nameLengths.deallocate(); slots.deallocate()
    }

    /// An empty family of the same shape.
    func emptied() -> SpaceSaving { SpaceSaving(summaries: summaries, capacity: capacity) }

    func total(_ summary: Int) -> Int { totals[summary] }

    /// What a key `summary` does not hold may have been counted there: at most its least count when full,
    /// nothing when not (every key counted is then held).
    func bound(_ summary: Int) -> Int {
        guard used[summary] == capacity else { return 0 }
        let v = view(summary)
        return (0..<capacity).map { v.counts[$0] }.min()!
    }

    /// Counts `key` in `summary`; `name` (what it is shown as) is copied only when the key is new to it.
    func add(_ summary: Int, _ key: UInt64, by n: Int = 1, name: UnsafeBufferPointer<UInt8>) {
        precondition(summary >= 0 && summary < summaries)
        view(summary).add(key, by: n, name: name)
    }

    /// The held entries of `summary`, most counted first.
    func top(_ summary: Int, _ n: Int) -> [Entry] {
        let v = view(summary)
        return Array((0..<used[summary]).map { Entry(key: v.keys[$0], name: v.name($0), count: v.counts[$0], error: v.errors[$0]) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(n))
    }

    @inline(__always) private func view(_ s: Int) -> Summary {
        let base = s * capacity
        return Summary(capacity: capacity, total: totals + s, used: used + s, least: least + s, candidateCount: candidateCounts + s,
                       candidates: candidates + base,
                       keys: keys + base, counts: counts + base, errors: errors + base,
                       nameBytes: nameBytes + base * Self.maxNameBytes, nameLengths: nameLengths + base,
                       slots: slots + s * slotsPerSummary, mask: slotsPerSummary - 1)
    }
}

/// One summary's part of the buffers (places numbered from 0 within it).
private struct Summary {
    let capacity: Int
    let total: UnsafeMutablePointer<Int>
    let used: UnsafeMutablePointer<Int>
    let least: UnsafeMutablePointer<Int>
    let candidateCount: UnsafeMutablePointer<Int>
    let candidates: UnsafeMutablePointer<Int32>
    let keys: UnsafeMutablePointer<UInt64>
    let counts: UnsafeMutablePointer<Int>
    let errors: UnsafeMutablePointer<Int>
    let nameBytes: UnsafeMutablePointer<UInt8>
    let nameLengths: UnsafeMutablePointer<UInt8>
    let slots: UnsafeMutablePointer<Int32>
    let mask: Int

    @inline(__always) func add(_ key: UInt64, by n: Int, name: UnsafeBufferPointer<UInt8>) {
        total.pointee += n
        let slot = find(key)
        if slots[slot] >= 0 {
            counts[Int(slots[slot])] += n
        } else if used.pointee < capacity {
            let place = used.pointee
            slots[slot] = Int32(place)
            keys[place] = key; counts[place] = n; errors[place] = 0
            setName(place, name)
            used.pointee += 1
        } else {
            let evicted = takeLeast()
            remove(keys[evicted])
            let inherited = counts[evicted]
            keys[evicted] = key; counts[evicted] = inherited + n; errors[evicted] = inherited
            setName(evicted, name)
            slots[find(key)] = Int32(evicted)
        }
    }

    func name(_ place: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: nameBytes + place * SpaceSaving.maxNameBytes, count: Int(nameLengths[place])),
               as: UTF8.self)
    }

    private func setName(_ place: Int, _ name: UnsafeBufferPointer<UInt8>) {
        let length = min(name.count, SpaceSaving.maxNameBytes)
        nameLengths[place] = UInt8(length)
        if length > 0 { (nameBytes + place * SpaceSaving.maxNameBytes).update(from: name.baseAddress!, count: length) }
    }

    /// A place with the least count (the summary is full).
    private func takeLeast() -> Int {
        while candidateCount.pointee > 0 {
            candidateCount.pointee -= 1
            let place = Int(candidates[candidateCount.pointee])
            if counts[place] == least.pointee { return place }
        }
        var smallest = counts[0]
        for place in 1..<used.pointee where counts[place] < smallest { smallest = counts[place] }
        least.pointee = smallest
        var found = 0
        for place in 0..<used.pointee where counts[place] == smallest {
            candidates[found] = Int32(place)
            found += 1
        }
        candidateCount.pointee = found - 1
        return Int(candidates[found - 1])
    }

    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask }

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: UInt64) -> Int {
        var i = home(key)
        while slots[i] >= 0, keys[Int(slots[i])] != key { i = (i + 1) & mask }
        return i
    }

    /// Frees `key`'s slot, moving later keys of its probe run back so every key stays reachable.
    private func remove(_ key: UInt64) {
        var hole = find(key)
        guard slots[hole] >= 0 else { return }
        var next = (hole + 1) & mask
        while slots[next] >= 0 {
            let wanted = home(keys[Int(slots[next])])
            // The key at `next` may fill the hole when its home is not in (hole, next] (cyclically).
            let between = hole <= next ? (wanted > hole && wanted <= next) : (wanted > hole || wanted <= next)
            if !between {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = -1
    }
}
