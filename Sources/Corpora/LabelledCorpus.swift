import DomainKit
import Lines

/// `domain<TAB>label` examples read from TSV files (plain or zstd) by `CorpusReader`. Bad lines are reported
/// with file:line and skipped, never silently: they are counted and described in `problems`.
package struct LabelledCorpus: Sendable {
    package var domains: [Domain] = []
    package var labels: [String] = []
    package var skipped = 0
    /// The first problems met, as "file:line: reason" (all are counted in `skipped`).
    package var problems: [String] = []
    package static let maxProblemsKept = 20

    package init() {}
    package var count: Int { domains.count }

    package static func read(paths: [String], labels: CorpusReader.Labels = .required) throws -> LabelledCorpus {
        var corpus = LabelledCorpus()
        for path in paths { try corpus.append(path: path, labels: labels) }
        return corpus
    }

    package mutating func append(path: String, labels mode: CorpusReader.Labels = .required) throws {
        try CorpusReader.read(path: path, labels: mode) { line in
            switch line {
            case let .example(domain, label): append(domain, label)
            case let .problem(number, reason): report(path, number, reason)
            }
            return true
        }
    }

    package mutating func append(_ domain: Domain, _ label: String) {
        domains.append(domain)
        labels.append(label)
    }

    package mutating func report(_ path: String, _ line: Int, _ reason: String) {
        skipped += 1
        if problems.count < Self.maxProblemsKept { problems.append("\(path):\(line): \(reason)") }
    }

    /// The problems as lines to print: the first ones, then how many more there were.
    package var problemReport: [String] {
        problems.map { "skipped \($0)" } + (skipped > problems.count ? ["… \(skipped - problems.count) more bad lines skipped"] : [])
    }

    /// An error unless there is at least one example (an empty test or training file says nothing).
    package func requireExamples(_ paths: [String]) throws {
        if count == 0 { throw CorpusError.noExamples(in: paths, skipped: skipped) }
    }

    /// Label names in order of first appearance, and each example's index into them.
    package func labelIndex(startingWith known: [String] = []) -> (names: [String], indices: [Int32]) {
        var names = known
        var index: [String: Int32] = [:]
        for (i, n) in names.enumerated() { index[n] = Int32(i) }
        var indices: [Int32] = []
        indices.reserveCapacity(labels.count)
        for label in labels {
            if let i = index[label] { indices.append(i); continue }
            index[label] = Int32(names.count)
            indices.append(Int32(names.count))
            names.append(label)
        }
        return (names, indices)
    }

    /// A stable digest of the examples, recorded in the model header.
    package func digest() -> String { CorpusDigest(self).value }
}

/// The digest of examples added in order, so a corpus read batch by batch gets the digest (and count) it
/// would get read whole.
package struct CorpusDigest: Sendable {
    private var hash = FNV1a64.offsetBasis
    package private(set) var count = 0

    package init() {}
    package init(_ corpus: LabelledCorpus) { add(corpus) }

    package mutating func add(_ corpus: LabelledCorpus) {
        for (d, l) in zip(corpus.domains, corpus.labels) {
            for b in d.name.utf8 { hash = FNV1a64.step(hash, b) }
            hash = FNV1a64.step(hash, 0x09)
            for b in l.utf8 { hash = FNV1a64.step(hash, b) }
            hash = FNV1a64.step(hash, 0x0A)
        }
        count += corpus.count
    }

    package var value: String { "fnv1a64:" + String(hash, radix: 16) + ":\(count)" }
}
