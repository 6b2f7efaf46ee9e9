import DomainKit

/// One worker's answers of one batch, as the dashboard counts them: each distinct name with how often it was
/// asked, its label from every model and (for names some model labels ads, tracking or badware) the clients
/// that asked. Filled without a lock, handed to `TrafficStats.absorb` once per batch. A class: filling it is no change to the worker holding it.
/// A batch of DNS traffic repeats itself (a third of a 4,096-line batch of a resolver's log are names seen
/// earlier in it), so a repeat is one probe and one add here instead of a name copied and counted again.
package final class TrafficTap {
    package let models: Int
    /// Per model, per label (from `riskyStart[model]`): whether a name with it counts its client. Flat: one
    /// array read per label, not an inner array retained.
    let risky: [Bool]
    let riskyStart: [Int]
    /// The `TrafficStats` shard this tap's batches go to.
    let shard: Int
    /// Names answered in this batch, repeats included.
    private(set) var count = 0
    /// The distinct names' bytes back to back (`nameEnds[i]` ends name i): copied, not retained, so no string
    /// outlives its batch on another thread.
    private(set) var nameBytes: [UInt8] = []
    private(set) var nameEnds: [Int] = []
    private(set) var hashes: [UInt64] = []
    /// How often each distinct name was asked.
    private(set) var repeats: [Int] = []
    /// `models` labels per distinct name, back to back (a repeat's are its first answer's): the first
    /// `labelCount` (the array is reused, not emptied).
    private var labels: [Int32] = []
    private var labelCount = 0
    /// Per distinct name: whether a model's label of it is risky (its askers are counted).
    private var flagged: [Bool] = []
    /// Hash → distinct name, open addressing (-1: empty), at most half full.
    private var table: [Int32] = Array(repeating: -1, count: 1024)
    /// Clients of this batch's risky names and how many each asked, by hash (a LAN has few clients: a
    /// client's text is made once a batch, not once a line).
    private(set) var clients: [UInt64: (name: [UInt8], count: Int)] = [:]
    /// Batch latencies (serve: from a request's arrival to its answers).
    private(set) var latencies: [Int64] = []

    init(risky: [[Bool]], shard: Int) {
        self.shard = shard
        models = risky.count
        self.risky = risky.flatMap { $0 }
        riskyStart = risky.reduce(into: [0]) { starts, labels in starts.append(starts.last! + labels.count) }
    }

    /// Distinct names in this batch.
    var distinct: Int { nameEnds.count }
    var isEmpty: Bool { count == 0 && latencies.isEmpty }

    package func latency(nanoseconds: Int64) { latencies.append(nanoseconds) }

    /// Model m's label (-1: none of its labels) of the name recorded next: one call per model, in order, then
    /// `record`.
    package func label(_ label: Int32) {
        if labelCount < labels.count { labels[labelCount] = label } else { labels.append(label) }
        labelCount += 1
    }

    /// One answered name, after its labels; `client` (the asker's address as text, or nil) is kept only when
    /// a label is risky.
    package func record(_ name: String, client: UnsafeBufferPointer<UInt8>?) {
        precondition(labelCount == (distinct + 1) * models, "every model's label, then the name")
        count += 1
        // Native strings are contiguous UTF-8 already: no copy of the string to reach its bytes.
        let hash = name.utf8.withContiguousStorageIfAvailable { FNV1a64.hash($0) } ?? FNV1a64.hash(name)
        let slot = find(hash)
        let entry = table[slot] >= 0 ? table[slot] : Int32(distinct)
        if entry < distinct {
            repeats[Int(entry)] += 1
            labelCount -= models
        } else {
            table[slot] = entry
            hashes.append(hash)
            repeats.append(1)
            flagged.append(isRisky(entry))
            if name.utf8.withContiguousStorageIfAvailable({ nameBytes.append(contentsOf: $0) }) == nil {
                nameBytes.append(contentsOf: name.utf8)
            }
            nameEnds.append(nameBytes.count)
            if 2 * distinct > table.count { grow() }
        }
        if let client, flagged[Int(entry)] { countClient(client) }
    }

    /// Whether a model's label of distinct name `entry` is risky.
    private func isRisky(_ entry: Int32) -> Bool {
        let first = Int(entry) * models
        for m in 0..<models {
            let l = Int(labels[first + m])
            if l >= 0, riskyStart[m] + l < riskyStart[m + 1], risky[riskyStart[m] + l] { return true }
        }
        return false
    }

    private func countClient(_ client: UnsafeBufferPointer<UInt8>) {
        let hash = FNV1a64.hash(client)
        if let seen = clients[hash] {
            clients[hash] = (seen.name, seen.count + 1)
        } else {
            clients[hash] = (Array(client), 1)
        }
    }

    /// The slot holding `hash`, or the empty slot where it would go.
    @inline(__always) private func find(_ hash: UInt64) -> Int {
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        while table[i] >= 0, hashes[Int(table[i])] != hash { i = (i + 1) & mask }
        return i
    }

    private func grow() {
        table = Array(repeating: -1, count: table.count * 2)
        for (entry, hash) in hashes.enumerated() { table[find(hash)] = Int32(entry) }
    }

    /// The batch's distinct names (bytes, ends, hashes, repeats) and labels, for counting without a copy or a
    /// reference count per name.
    func withNames<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<UInt64>,
                               UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int32>) -> R) -> R {
        nameBytes.withUnsafeBufferPointer { names in
            nameEnds.withUnsafeBufferPointer { ends in
                hashes.withUnsafeBufferPointer { hashes in
                    repeats.withUnsafeBufferPointer { repeats in
                        labels.withUnsafeBufferPointer { body(names, ends, hashes, repeats, UnsafeBufferPointer(rebasing: $0[..<labelCount])) }
                    }
                }
            }
        }
    }

    func removeAll() {
        // Only the slots used (a batch touches a few thousand), latest first: each name's probe run then still
        // holds the names taken in before it.
        for hash in hashes.reversed() { table[find(hash)] = -1 }
        count = 0
        nameBytes.removeAll(keepingCapacity: true)
        nameEnds.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        repeats.removeAll(keepingCapacity: true)
        flagged.removeAll(keepingCapacity: true)
        labelCount = 0
        clients.removeAll(keepingCapacity: true)
        latencies.removeAll(keepingCapacity: true)
    }
}
