import DomainKit

/// `split --stratified`: the hash rule's shares (10% test, 10% valid, 80% train) kept *per label*,
/// while every registrable name still lands in one part (a stratified group split).
///
/// The hash rule leaves a small label's valid and test parts to chance: a label of 40 names may get
/// none in test. Here the registrable names (groups) are placed one at a time — largest first, ties
/// in the order of a hash of the name, so every machine and run places them the same — each into the
/// part where it least increases the squared distance of its labels' shares from target, summed
/// over labels (each label counts the same, however many names it has). A group of one label's names
/// goes where that label is most short; a group of many labels (google.de holds google, google-scholar
/// and more) weighs each by the share of the label it holds.
extension CorpusSplit {
    /// The hash rule's target share of each part.
    package static let shares: [Part: Double] = [.train: 0.8, .valid: 0.1, .test: 0.1]

    /// The part of every example of `corpus`, in its order.
    package static func stratifiedParts(_ corpus: LabelledCorpus, suffixes: PublicSuffixList) -> [Part] {
        let (labelNames, labels) = corpus.labelIndex()
        // Groups in order of first appearance (never a Dictionary's order: it differs run to run).
        var groupOf: [String: Int] = [:]
        var keys: [String] = []
        var members: [[Int]] = []
        for (i, domain) in corpus.domains.enumerated() {
            let key = suffixes.registrableDomain(domain.name) ?? domain.name
            if let g = groupOf[key] { members[g].append(i); continue }
            groupOf[key] = keys.count
            keys.append(key)
            members.append([i])
        }
        let hashes = keys.map { mixHash(FNV1a64.hash($0)) }
        let order = keys.indices.sorted { a, b in
            if members[a].count != members[b].count { return members[a].count > members[b].count }
            if hashes[a] != hashes[b] { return hashes[a] < hashes[b] }
            return keys[a] < keys[b]
        }
        var totals = [Double](repeating: 0, count: labelNames.count)
        for l in labels { totals[Int(l)] += 1 }
        let parts: [Part] = [.train, .valid, .test]  // the first wins a tie: train is most of every label
        let target = parts.map { shares[$0]! }
        var placed = [[Double]](repeating: [Double](repeating: 0, count: labelNames.count), count: parts.count)
        var result = [Part](repeating: .train, count: corpus.count)
        var counts: [(label: Int, count: Double)] = []
        for g in order {
            counts.removeAll(keepingCapacity: true)
            for i in members[g] {
                let l = Int(labels[i])
                if let j = counts.firstIndex(where: { $0.label == l }) { counts[j].count += 1 } else { counts.append((l, 1)) }
            }
            var best = 0, bestCost = Double.infinity
            for p in parts.indices {
                // Σ over the group's labels of (share after − target)² − (share before − target)².
                var cost = 0.0
                for (l, c) in counts {
                    let step = c / totals[l], before = placed[p][l] / totals[l] - target[p]
                    cost += step * (2 * before + step)
                }
                if cost < bestCost - 1e-12 { best = p; bestCost = cost }
            }
            for (l, c) in counts { placed[best][l] += c }
            for i in members[g] { result[i] = parts[best] }
        }
        return result
    }
}
