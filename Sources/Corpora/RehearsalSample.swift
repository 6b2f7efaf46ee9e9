import DomainKit
import Foundation

/// A bounded sample of the names a model was trained on, stored with it (the model file's `rehearsal`
/// section) and mixed into every continued run, so `train --init-model` on a new batch alone does not
/// forget what the model knew (rehearsal, or experience replay).
///
/// Each label gets a quota of `capacity`: first an equal floor (a quarter of the capacity shared by
/// the labels; all of a label's names when it has fewer), so a small label keeps some names, then the
/// rest in proportion to how many names of each label the model has been trained on (`seen`), so the
/// sample's label mix stays close to the training data's. Within a label the names kept are those with
/// the lowest hash (a bottom-k sample): the same on every machine, uniform over the names seen, and
/// carried forward exactly — the sample of (earlier sample + batch) is the sample of everything seen
/// whenever a label's quota does not grow.
package struct RehearsalSample: Sendable, Equatable {
    package static let defaultCapacity = 50_000
    /// Decoding refuses more: a damaged section must not ask for gigabytes.
    package static let maxCapacity = 10_000_000
    /// The section's name in a model file.
    package static let sectionName = "rehearsal"

    package private(set) var capacity: Int
    /// Examples of each label trained on so far, over every batch.
    package private(set) var seen: [String: Int]
    package private(set) var domains: [Domain] = []
    package private(set) var labels: [String] = []
    /// Every name the model was trained on is in the sample: rehearsal replays all of it.
    package private(set) var isComplete: Bool

    /// An empty sample. `complete`: false for a model trained before samples were kept (what it saw is
    /// not in the sample, whatever is added to it).
    package init(capacity: Int = defaultCapacity, complete: Bool = true) {
        self.capacity = max(0, capacity)
        seen = [:]
        isComplete = complete
    }

    package var count: Int { domains.count }

    /// The sample as a corpus, to mix into a training run.
    package var corpus: LabelledCorpus {
        var c = LabelledCorpus()
        c.domains = domains
        c.labels = labels
        return c
    }

    /// The sample after training on `batch` too: `seen` grows by the batch, and each label keeps its
    /// quota of this sample and the batch together (a name in both keeps the batch's label).
    /// `capacity`: a new bound (nil keeps this one).
    package func adding(_ batch: LabelledCorpus, capacity newCapacity: Int? = nil) -> RehearsalSample {
        var next = RehearsalSample(capacity: newCapacity ?? capacity, complete: isComplete)
        next.seen = seen
        for label in batch.labels { next.seen[label, default: 0] += 1 }
        guard next.capacity > 0 else { next.isComplete = false; return next }
        // The pool: the batch first (its labels win), then the sample's names the batch does not hold.
        var index: [String: Int] = [:]
        var pool: [(domain: Domain, label: String)] = []
        for (d, l) in zip(batch.domains, batch.labels) where index[d.name] == nil {
            index[d.name] = pool.count
            pool.append((d, l))
        }
        for (d, l) in zip(domains, labels) where index[d.name] == nil {
            index[d.name] = pool.count
            pool.append((d, l))
        }
        var byLabel: [String: [(hash: UInt64, item: Int)]] = [:]
        for (i, entry) in pool.enumerated() { byLabel[entry.label, default: []].append((Self.rank(entry.domain), i)) }
        let quota = Self.quotas(seen: next.seen, available: byLabel.mapValues(\.count), capacity: next.capacity)
        var kept: [(hash: UInt64, item: Int)] = []
        for label in byLabel.keys.sorted() {
            let take = quota[label] ?? 0
            guard take > 0 else { continue }
            kept += byLabel[label]!.sorted { $0.hash < $1.hash || ($0.hash == $1.hash && pool[$0.item].domain.name < pool[$1.item].domain.name) }.prefix(take)
        }
        // Stored in rank order: the file is the same whatever order the names came in.
        kept.sort { $0.hash < $1.hash || ($0.hash == $1.hash && pool[$0.item].domain.name < pool[$1.item].domain.name) }
        next.domains = kept.map { pool[$0.item].domain }
        next.labels = kept.map { pool[$0.item].label }
        next.isComplete = isComplete && kept.count == pool.count
        return next
    }

    /// A name's place in the bottom-k order: a hash salted so it is independent of the split rule's.
    static func rank(_ domain: Domain) -> UInt64 {
        var name = domain.name
        return name.withUTF8 { mixHash(FNV1a64.hash($0, seed: 0x7265_6865_6172_7365)) }
    }

    /// How many names each label keeps: a floor of capacity / (4 × labels) each (or all it has), the rest
    /// in proportion to `seen`, and what a label cannot use shared out again the same way.
    static func quotas(seen: [String: Int], available: [String: Int], capacity: Int) -> [String: Int] {
        let labels = available.keys.sorted()
        let total = labels.reduce(0) { $0 + available[$1]! }
        if total <= capacity { return available }
        let floor = capacity / max(1, 4 * labels.count)
        var quota = Dictionary(uniqueKeysWithValues: labels.map { ($0, min(available[$0]!, floor)) })
        var left = capacity - quota.values.reduce(0, +)
        while left > 0 {
            let open = labels.filter { quota[$0]! < available[$0]! }
            guard !open.isEmpty else { break }
            let weight = open.reduce(0.0) { $0 + Double(max(seen[$1] ?? 0, 1)) }
            var given = 0
            for label in open {
                let share = Int(Double(left) * Double(max(seen[label] ?? 0, 1)) / weight)
                let add = min(share, available[label]! - quota[label]!)
                quota[label]! += add
                given += add
            }
            if given == 0 {  // rounding left a few: one each, in label order
                for label in open where left - given > 0 { quota[label]! += 1; given += 1 }
            }
            left -= given
        }
        return quota
    }

    // MARK: The model file's section

    private struct Head: Codable {
        var version: Int
        var capacity: Int
        var complete: Bool
        var seen: [String: Int]
    }

    /// One JSON line (format version, capacity, seen counts), then `name<TAB>label` lines; the model
    /// file compresses it.
    package func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = Array(try encoder.encode(Head(version: 1, capacity: capacity, complete: isComplete, seen: seen)))
        out.append(0x0A)
        for (d, l) in zip(domains, labels) {
            out += d.name.utf8
            out.append(0x09)
            out += l.utf8
            out.append(0x0A)
        }
        return out
    }

    /// The sample in `bytes` (a `rehearsal` section); throws `RehearsalSampleError` when it is damaged.
    package init(decoding bytes: [UInt8]) throws {
        guard let newline = bytes.firstIndex(of: 0x0A) else { throw RehearsalSampleError("no header line") }
        let head: Head
        do { head = try JSONDecoder().decode(Head.self, from: Data(bytes[..<newline])) } catch {
            throw RehearsalSampleError("unreadable header line")
        }
        guard head.version == 1 else { throw RehearsalSampleError("format \(head.version); this domcat reads 1") }
        guard (0...Self.maxCapacity).contains(head.capacity), head.seen.values.allSatisfy({ $0 >= 0 }) else {
            throw RehearsalSampleError("capacity \(head.capacity) or seen counts out of range")
        }
        capacity = head.capacity
        seen = head.seen
        isComplete = head.complete
        var start = newline + 1
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[start..<end]
            start = end + 1
            guard let tab = line.firstIndex(of: 0x09),
                  let label = String(validating: line[(tab + 1)...], as: UTF8.self), CorpusLabel.problem(label) == nil else {
                throw RehearsalSampleError("line \(count + 2) is not name<TAB>label")
            }
            guard case let .domain(domain) = DomainParser.parse(String(decoding: line[..<tab], as: UTF8.self)) else {
                throw RehearsalSampleError("line \(count + 2): not a domain name")
            }
            guard count < capacity else { throw RehearsalSampleError("more names than its capacity \(capacity)") }
            domains.append(domain)
            labels.append(label)
        }
    }
}

package struct RehearsalSampleError: Error, CustomStringConvertible {
    package let description: String
    init(_ reason: String) { description = "rehearsal sample: " + reason }
}
