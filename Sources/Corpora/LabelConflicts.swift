import DomainKit

/// `train --conflicts`: what becomes of a name the corpus gives two different labels.
package enum ConflictPolicy: String, CaseIterable, Sendable {
    /// Its examples under the label it had first are kept, the others dropped.
    case keepFirst = "keep-first"
    /// All its examples are dropped.
    case drop
    /// Training stops with an error.
    case fail
}

/// The names a corpus labels two ways, found in one pass over all of it (in memory, or before the first
/// of its batches), and the policy applied to its examples.
package struct LabelConflicts: Sendable {
    /// Each name's first label, by a 64-bit fingerprint of the name: 16 bytes a name, whatever its length.
    private var first: [UInt64: Int32] = [:]
    private var labelIDs: [String: Int32] = [:]
    private var conflicting: Set<UInt64> = []
    /// Up to `examplesKept` conflicts as "name: first, other", for messages.
    package private(set) var examples: [String] = []
    private static let examplesKept = 3

    package init() {}

    /// Names with more than one label.
    package var count: Int { conflicting.count }
    /// Every label seen, in order of first appearance.
    package var labels: [String] { labelIDs.sorted { $0.value < $1.value }.map(\.key) }

    package init(_ corpus: LabelledCorpus) {
        add(corpus)
    }

    package mutating func add(_ corpus: LabelledCorpus) {
        for (domain, label) in zip(corpus.domains, corpus.labels) { add(domain, label) }
    }

    package mutating func add(_ domain: Domain, _ label: String) {
        let id = labelIDs[label] ?? {
            let id = Int32(labelIDs.count)
            labelIDs[label] = id
            return id
        }()
        let key = Self.fingerprint(domain)
        guard let earlier = first[key] else { first[key] = id; return }
        if earlier != id, conflicting.insert(key).inserted, examples.count < Self.examplesKept {
            examples.append("\(domain.name): \(labels[Int(earlier)]), \(label)")
        }
    }

    /// `corpus` under `policy` (`.fail` throws when there is any conflict), and the examples it removed.
    package func resolve(_ corpus: LabelledCorpus, policy: ConflictPolicy) throws -> (LabelledCorpus, removed: Int) {
        guard !conflicting.isEmpty else { return (corpus, 0) }
        try check(policy)
        var kept = corpus
        kept.domains.removeAll(keepingCapacity: true)
        kept.labels.removeAll(keepingCapacity: true)
        for (domain, label) in zip(corpus.domains, corpus.labels) {
            let key = Self.fingerprint(domain)
            if conflicting.contains(key), policy == .drop || labelIDs[label] != first[key] { continue }
            kept.append(domain, label)
        }
        return (kept, corpus.count - kept.count)
    }

    /// Throws under `.fail` when there is any conflict (before a first batch is trained).
    package func check(_ policy: ConflictPolicy) throws {
        if policy == .fail, !conflicting.isEmpty { throw CorpusError("\(described); --conflicts keep-first or drop trains anyway") }
    }

    /// What `resolve` did, for the log: nil when there were no conflicts.
    package func summary(policy: ConflictPolicy, removed: Int) -> String? {
        guard count > 0 else { return nil }
        let what = policy == .drop ? "dropped all their examples" : "kept each one's first label"
        return "\(described): \(what), \(removed == 1 ? "1 example" : "\(removed) examples") removed (--conflicts keep-first|drop|fail)"
    }

    private var described: String {
        (count == 1 ? "1 name has" : "\(count) names have") + " two different labels (\(examples.joined(separator: "; "))\(count > examples.count ? "; …" : ""))"
    }

    private static func fingerprint(_ domain: Domain) -> UInt64 { mixHash(FNV1a64.hash(domain.name)) }
}
