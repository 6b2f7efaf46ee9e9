/// The k most frequent keys of a stream in fixed memory (Metwally, Agrawal, El Abbadi: Space-Saving). Every key
/// counted is either held with its count or, when the summary is full, takes the place of the least counted one,
/// inheriting its count as an over-estimate (`error`). A held key's true count lies in [count − error, count];
/// every key more frequent than total / k is held.
/// A class over raw buffers: the dashboard counts every name through here, and arrays' copy-on-write checks on
/// each of a summary's fields cost more than the counting (a summary is replaced each window, never copied).
final class SpaceSaving: @unchecked Sendable {
    struct Entry {
        var key: UInt64
        var name: String
        var count: Int
        var error: Int
    }

    /// Longer names are shown cut (a DNS name has at most 253 bytes).
    static let maxNameBytes = 255

    let capacity: Int
    private(set) var total = 0
    /// Places in use; unordered: a key keeps its place until evicted, so counting a held key is one lookup and
    /// one add; only taking in a new key when full scans for the least counted (a few dozen integers).
    private var used = 0
    private let keys: UnsafeMutablePointer<UInt64>
    private let counts: UnsafeMutablePointer<Int>
    private let errors: UnsafeMutablePointer<Int>
    /// Each place's name as bytes in a fixed slot: a name taken in is copied, never allocated, so counting on
    /// one thread never frees a string another thread made.
    private let nameBytes: UnsafeMutablePointer<UInt8>
    private let nameLengths: UnsafeMutablePointer<UInt8>
    /// Key → place, open addressing with linear probing (-1: empty). The keys are hashes already, so a multiply
    /// spreads them; this is the hot path of a dashboard counting a million names a second.
    private let slots: UnsafeMutablePointer<Int32>
    private let mask: Int

    init(capacity: Int) {
        self.capacity = capacity
        keys = .allocate(capacity: capacity)
        counts = .allocate(capacity: capacity)
        errors = .allocate(capacity: capacity)
        nameBytes = .allocate(capacity: capacity * Self.maxNameBytes)
        nameLengths = .allocate(capacity: capacity)
        var size = 16
        while size < 4 * capacity { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
    }

    deinit {
        keys.deallocate(); counts.deallocate(); errors.deallocate()
        nameBytes.deallocate(); nameLengths.deallocate(); slots.deallocate()
    }

    /// Counts `key`; `name` (what it is shown as) is copied only when the key is new to the summary.
    func add(_ key: UInt64, by n: Int = 1, name: UnsafeBufferPointer<UInt8>) {
        total += n
        let slot = find(key)
        if slots[slot] >= 0 {
            counts[Int(slots[slot])] += n
        } else if used < capacity {
            slots[slot] = Int32(used)
            keys[used] = key; counts[used] = n; errors[used] = 0
            setName(used, name)
            used += 1
        } else {
            var least = 0
            for i in 1..<used where counts[i] < counts[least] { least = i }
            remove(keys[least])
            let inherited = counts[least]
            keys[least] = key; counts[least] = inherited + n; errors[least] = inherited
            setName(least, name)
            slots[find(key)] = Int32(least)
        }
    }

    private func setName(_ place: Int, _ name: UnsafeBufferPointer<UInt8>) {
        let length = min(name.count, Self.maxNameBytes)
        nameLengths[place] = UInt8(length)
        if length > 0 { (nameBytes + place * Self.maxNameBytes).update(from: name.baseAddress!, count: length) }
    }

    private func name(_ place: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: nameBytes + place * Self.maxNameBytes, count: Int(nameLengths[place])), as: UTF8.self)
    }

    /// The held entries, most counted first.
    func top(_ n: Int) -> [Entry] {
        Array((0..<used).map { Entry(key: keys[$0], name: name($0), count: counts[$0], error: errors[$0]) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(n))
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
