import Corpora
import DomainKit

/// The training names in one seeded order; a share of them is a prefix of it, so the names of a 1/9
/// trial are also in every 1/3 trial of the same search. Every share knows every label, so each trial's
/// model answers in the same label space.
final class Subsets: @unchecked Sendable {
    let labels: [String]
    private let all: LabelledCorpus
    private let order: [Int]
    private var shares: [Double: LabelledCorpus] = [:]
    private let lock = NSLock()

    init(_ corpus: LabelledCorpus, seed: UInt64) {
        all = corpus
        labels = corpus.labelIndex().names
        var rng = SplitMix(seed: seed ^ 0x5EED_5EED)
        var order = Array(0..<corpus.count)
        order.shuffle(using: &rng)
        self.order = order
    }

    func share(_ fraction: Double) -> LabelledCorpus {
        guard fraction < 1 else { return all }
        lock.lock(); defer { lock.unlock() }
        if let kept = shares[fraction] { return kept }
        var part = LabelledCorpus()
        for i in order.prefix(max(1, Int((fraction * Double(all.count)).rounded()))) { part.append(all.domains[i], all.labels[i]) }
        shares[fraction] = part
        return part
    }
}

import Foundation
