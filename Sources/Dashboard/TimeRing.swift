/// Counts per time slot over a fixed horizon, in fixed memory: `slots` slots of `width` seconds, each a row of
/// `columns` counters (one per label, or one for all). A slot is cleared when time comes round to it again.
struct TimeRing {
    let slots: Int
    let width: Int
    let columns: Int
    private var counts: [Int]
    /// The slot number (seconds / width) each ring position holds now.
    private var stamps: [Int]

    init(slots: Int, width: Int, columns: Int) {
        (self.slots, self.width, self.columns) = (slots, width, columns)
        counts = Array(repeating: 0, count: slots * columns)
        stamps = Array(repeating: -1, count: slots)
    }

    mutating func add(second: Int, column: Int, _ n: Int = 1) {
        let slot = second / width, at = slot % slots
        if stamps[at] != slot {
            stamps[at] = slot
            for c in 0..<columns { counts[at * columns + c] = 0 }
        }
        counts[at * columns + column] += n
    }

    /// The last `count` slots up to the one holding `second`, oldest first: each slot's row (zeros for slots
    /// nothing was counted in).
    func rows(endingAt second: Int, count: Int) -> [[Int]] {
        let last = second / width
        return (max(0, last - count + 1)...last).map { slot in
            let at = slot % slots
            guard stamps[at] == slot else { return Array(repeating: 0, count: columns) }
            return Array(counts[at * columns..<(at + 1) * columns])
        }
    }

    /// Column sums over the last `count` slots up to `second`.
    func sums(endingAt second: Int, count: Int) -> [Int] {
        var sums = Array(repeating: 0, count: columns)
        for row in rows(endingAt: second, count: count) { for c in 0..<columns { sums[c] += row[c] } }
        return sums
    }
}
