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
    /// A min-heap on count: the entry to replace is at the root.
    private var heap: [Entry] = []
    private var position: [UInt64: Int] = [:]

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
        position.reserveCapacity(capacity)
    }

    /// Counts `key` (`name` is what it is shown as, made only when the key is new to the summary).
    mutating func add(_ key: UInt64, by n: Int = 1, name: () -> String) {
        total += n
        if let i = position[key] {
            heap[i].count += n
            siftDown(i)
        } else if heap.count < capacity {
            heap.append(Entry(key: key, name: name(), count: n, error: 0))
            position[key] = heap.count - 1
            siftUp(heap.count - 1)
        } else {
            let evicted = heap[0]
            position[evicted.key] = nil
            heap[0] = Entry(key: key, name: name(), count: evicted.count + n, error: evicted.count)
            position[key] = 0
            siftDown(0)
        }
    }

    /// The held entries, most counted first.
    func top(_ n: Int) -> [Entry] {
        Array(heap.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }.prefix(n))
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].count < heap[parent].count else { return }
            swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count, heap[l].count < heap[smallest].count { smallest = l }
            if r < heap.count, heap[r].count < heap[smallest].count { smallest = r }
            guard smallest != i else { return }
            swapAt(i, smallest)
            i = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        position[heap[a].key] = a
        position[heap[b].key] = b
    }
}
