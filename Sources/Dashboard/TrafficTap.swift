import DomainKit

/// One worker's answers of one batch, as the dashboard counts them: each name, its label from every model
/// and (for names some model labels ads, tracking or badware) the client that asked. Filled without a lock,
/// handed to `TrafficStats.absorb` once per batch.
package struct TrafficTap {
    let models: Int
    /// Per model, per label: whether a name with it counts its client.
    let risky: [[Bool]]
    /// The names' bytes back to back (`nameEnds[i]` ends name i): copied, not retained, so no string outlives
    /// its batch on another thread.
    private(set) var nameBytes: [UInt8] = []
    private(set) var nameEnds: [Int] = []
    private(set) var hashes: [UInt64] = []
    /// `models` labels per name, back to back.
    private(set) var labels: [Int32] = []
    /// Clients of this batch's risky names and how many each asked, by hash (a LAN has few clients: a
    /// client's text is made once a batch, not once a line).
    private(set) var clients: [UInt64: (name: [UInt8], count: Int)] = [:]
    /// Batch latencies (serve: from a request's arrival to its answers).
    private(set) var latencies: [Int64] = []

    init(risky: [[Bool]]) {
        models = risky.count
        self.risky = risky
    }

    var count: Int { nameEnds.count }
    var isEmpty: Bool { nameEnds.isEmpty && latencies.isEmpty }

    package mutating func latency(nanoseconds: Int64) { latencies.append(nanoseconds) }

    /// One answered name; `label(m)` is model m's label (-1: none of its labels); `client` (the asker's
    /// address as text, or none) is read only when a label is risky.
    package mutating func record(_ name: String, label: (Int) -> Int32, client: () -> UnsafeBufferPointer<UInt8>?) {
        var s = name
        s.withUTF8 { bytes in
            hashes.append(FNV1a64.hash(bytes))
            nameBytes.append(contentsOf: bytes)
        }
        nameEnds.append(nameBytes.count)
        var flagged = false
        for m in 0..<models {
            let l = label(m)
            labels.append(l)
            if l >= 0, Int(l) < risky[m].count, risky[m][Int(l)] { flagged = true }
        }
        if flagged, let who = client() {
            let hash = FNV1a64.hash(who)
            if let seen = clients[hash] {
                clients[hash] = (seen.name, seen.count + 1)
            } else {
                clients[hash] = (Array(who), 1)
            }
        }
    }

    mutating func removeAll() {
        nameBytes.removeAll(keepingCapacity: true)
        nameEnds.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        clients.removeAll(keepingCapacity: true)
        latencies.removeAll(keepingCapacity: true)
    }
}
