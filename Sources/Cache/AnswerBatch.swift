import Learners

/// Names with their answers, kept flat and reused batch after batch: a cache lookup fills in what the tiers
/// know, the model fills in the rest, and `AnswerCache.store` writes back what the model computed.
package struct AnswerBatch {
    package private(set) var names: [String] = []
    /// Where each answer came from; nil while nobody has answered.
    package private(set) var tiers: [CacheTier?] = []
    private var scores: [LabelScore] = []
    private var ranges: [Range<Int>] = []

    package init() {}

    package var count: Int { names.count }

    package mutating func removeAll() {
        names.removeAll(keepingCapacity: true)
        tiers.removeAll(keepingCapacity: true)
        scores.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
    }

    /// Adds a name nobody has answered yet; returns its position.
    @discardableResult
    package mutating func append(_ name: String) -> Int {
        names.append(name)
        tiers.append(nil)
        ranges.append(0..<0)
        return names.count - 1
    }

    /// Drops the last name, which nobody has answered.
    package mutating func removeLast() {
        names.removeLast()
        tiers.removeLast()
        ranges.removeLast()
    }

    package mutating func answer(_ i: Int, _ top: some Collection<LabelScore>, tier: CacheTier) {
        let start = scores.count
        scores.append(contentsOf: top)
        ranges[i] = start..<scores.count
        tiers[i] = tier
    }

    /// Appends the answer straight from the LRU; false (nothing appended) on a miss.
    package mutating func answer(_ i: Int, from lru: AnswerLRU, key: NameKey) -> Bool {
        let start = scores.count
        guard lru.get(key, appendingTo: &scores) else { return false }
        ranges[i] = start..<scores.count
        tiers[i] = .lru
        return true
    }

    package func top(_ i: Int) -> ArraySlice<LabelScore> { scores[ranges[i]] }
}
