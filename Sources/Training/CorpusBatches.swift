import Corpora
import DomainKit
import Lines

/// Reads labelled corpora `batchSize` examples at a time, so a corpus larger than memory trains
/// batch after batch. A first pass (`scan`) sees every example once: what must be known of the whole
/// corpus before its first batch (its size, its labels, the names it labels two ways, its bad lines).
enum CorpusBatches {
    struct Scan {
        var conflicts = LabelConflicts()
        var examples = 0
        /// The bad lines, reported once here (the batches skip them again quietly).
        var problems = LabelledCorpus()
    }

    static func scan(paths: [String]) throws -> Scan {
        var scan = Scan()
        for path in paths {
            try CorpusReader.read(path: path) { line in
                switch line {
                case let .example(domain, label):
                    scan.conflicts.add(domain, label)
                    scan.examples += 1
                case let .problem(number, reason): scan.problems.report(path, number, reason)
                }
                return true
            }
        }
        return scan
    }

    static func forEach(paths: [String], batchSize: Int, _ body: (LabelledCorpus) throws -> Void) throws {
        var batch = LabelledCorpus()
        for path in paths {
            try CorpusReader.read(path: path) { line in
                guard case let .example(domain, label) = line else { return true }
                batch.append(domain, label)
                if batch.count >= batchSize {
                    try body(batch)
                    batch = LabelledCorpus()
                }
                return true
            }
        }
        if batch.count > 0 { try body(batch) }
    }
}
