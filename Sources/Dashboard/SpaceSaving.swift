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
    private var position: [UInt64: Int] = [:]

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
        position.reserveCapacity(capacity)
    }

    /// Counts `key` (`name` is what it is shown as, made only when the key is new to the summary).
    mutating func add(_ key: UInt64, by n: Int = 1, name: () -> String) {
        total += n
        if let i = position[key] {
            entries[i].count += n
        } else if entries.count < capacity {
            position[key] = entries.count
            entries.append(Entry(key: key, name: name(), count: n, error: 0))
        } else {
            var least = 0
            for i in 1..<entries.count where entries[i].count < entries[least].count { least = i }
            let evicted = entries[least]
            position[evicted.key] = nil
            entries[least] = Entry(key: key, name: name(), count: evicted.count + n, error: evicted.count)
            position[key] = least
        }
    }

    /// The held entries, most counted first.
    func top(_ n: Int) -> [Entry] {
        Array(entries.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(n))
    }
}
