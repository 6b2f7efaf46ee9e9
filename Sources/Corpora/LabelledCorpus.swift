import DomainKit
import Lines

/// `domain<TAB>label` examples read from TSV files (plain or zstd). Bad lines are reported with file:line
/// and skipped, never silently: they are counted and described in `problems`.
package struct LabelledCorpus: Sendable {
    package var domains: [Domain] = []
    package var labels: [String] = []
    package var skipped = 0
    /// The first problems met, as "file:line: reason" (all are counted in `skipped`).
    package var problems: [String] = []
    package static let maxProblemsKept = 20

    package init() {}
    package var count: Int { domains.count }

    package static func read(paths: [String]) throws -> LabelledCorpus {
        var corpus = LabelledCorpus()
        for path in paths { try corpus.append(path: path) }
        return corpus
    }

    package mutating func append(path: String) throws {
        let reader = try LineReader.open(path: path)
        try reader.forEachLine { line, overlong in
            let number = reader.currentLine
            if overlong { report(path, number, "line too long"); return true }
            // Blank lines and `#` comments are allowed in hand-written corpora.
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) || line.first == UInt8(ascii: "#") { return true }
            guard let tab = line.firstIndex(of: 0x09) else {
                report(path, number, "no TAB between domain and label")
                return true
            }
            let labelBytes = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
            let label = String(decoding: labelBytes, as: UTF8.self).trimmingWhitespace()
            guard !label.isEmpty, !label.contains("\t") else { report(path, number, "empty or malformed label"); return true }
            switch DomainParser.parse(UnsafeBufferPointer(rebasing: line[..<tab])) {
            case let .domain(domain):
                domains.append(domain)
                labels.append(label)
            case .ipAddress: report(path, number, "an IP address, not a domain")
            case let .invalid(reason): report(path, number, reason.description)
            }
            return true
        }
    }

    private mutating func report(_ path: String, _ line: Int, _ reason: String) {
        skipped += 1
        if problems.count < Self.maxProblemsKept { problems.append("\(path):\(line): \(reason)") }
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
    package func digest() -> String {
        var h = FNV1a64.offsetBasis
        for (d, l) in zip(domains, labels) {
            for b in d.name.utf8 { h = FNV1a64.step(h, b) }
            h = FNV1a64.step(h, 0x09)
            for b in l.utf8 { h = FNV1a64.step(h, b) }
            h = FNV1a64.step(h, 0x0A)
        }
        return "fnv1a64:" + String(h, radix: 16) + ":\(count)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
