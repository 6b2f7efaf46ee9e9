/// The k most frequent keys of a stream in fixed memory (Metwally, Agrawal, El Abbadi: Space-Saving). Every key
/// counted is either held with its count or, when the summary is full, takes the place of the least counted one,
/// inheriting its count as an over-estimate (`error`). A held key's true count lies in [count − error, count];
/// every key more frequent than total / k is held.
struct SpaceSaving {
    struct Entry {
        var key: UInt64
        var name: String
        var count: Int
        var error: Int
    }

    let capacity: Int
    private(set) var total = 0
    /// Unordered: a key keeps its place until evicted, so counting a held key is one lookup and one add; only
    /// taking in a new key when full scans for the least counted (a few dozen integers).
    private var entries: [Entry] = []
    /// Key → place in `entries`, open addressing with linear probing (-1: empty). The keys are hashes already,
    /// so a multiply spreads them; this is the hot path of a dashboard counting a million names a second.
    private var slots: [Int32]
    private let mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
        var size = 16
        while size < 4 * capacity { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Counts `key` (`name` is what it is shown as, made only when the key is new to the summary).
    mutating func add(_ key: UInt64, by n: Int = 1, name: () -> String) {
        total += n
        let slot = find(key)
        if slots[slot] >= 0 {
            entries[Int(slots[slot])].count += n
        } else if entries.count < capacity {
            slots[slot] = Int32(entries.count)
            entries.append(Entry(key: key, name: name(), count: n, error: 0))
        } else {
            var least = 0
            for i in 1..<entries.count where entries[i].count < entries[least].count { least = i }
            let evicted = entries[least]
            remove(evicted.key)
            entries[least] = Entry(key: key, name: name(), count: evicted.count + n, error: evicted.count)
            slots[find(key)] = Int32(least)
        }
    }

    /// The held entries, most counted first.
    func top(_ n: Int) -> [Entry] {
        Array(entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(n))
    }

    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask }

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: UInt64) -> Int {
        var i = home(key)
        while slots[i] >= 0, entries[Int(slots[i])].key != key { i = (i + 1) & mask }
        return i
    }

    /// Frees `key`'s slot, moving later keys of its probe run back so every key stays reachable.
    private mutating func remove(_ key: UInt64) {
        var hole = find(key)
        guard slots[hole] >= 0 else { return }
        var next = (hole + 1) & mask
        while slots[next] >= 0 {
            let wanted = home(entries[Int(slots[next])].key)
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
