import Corpora
import Learners
import ModelStore

/// The (name, label) pairs of a run, gathered corpus by corpus (gbdt reads its corpus in batches), that
/// become the model's `TrainedNames` — added to those of the model continued, a later label winning.
struct TrainedNameList {
    private var entries: [(hash: UInt64, label: String)] = []

    init() {}
    init(_ corpus: LabelledCorpus) { add(corpus) }

    mutating func add(_ corpus: LabelledCorpus) {
        for (domain, label) in zip(corpus.domains, corpus.labels) { entries.append((TrainedNames.hash(domain.name), label)) }
    }

    /// Indexed by `labels`, the model's labels, which hold every label of the run.
    func names(labels: [String], continuing earlier: TrainedNames?) -> TrainedNames {
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, UInt16($0)) })
        var names = earlier ?? TrainedNames([], capacity: entries.count)
        for (hash, label) in entries { names.insert(hash: hash, label: index[label]!) }
        return names
    }
}
