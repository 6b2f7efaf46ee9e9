import Corpora
import DomainKit
import Lines

/// Reads labelled corpora `batchSize` examples at a time, so a corpus larger than memory trains
/// batch after batch. Bad lines are counted and skipped as `LabelledCorpus.read` does.
enum CorpusBatches {
    /// Lines that would make examples (not blank, not comments); a cheap first pass for sizing.
    static func count(paths: [String]) throws -> Int {
        var n = 0
        for path in paths {
            try LineReader.open(path: path).forEachLine { line, _ in
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && line.first != UInt8(ascii: "#") { n += 1 }
                return true
            }
        }
        return n
    }

    static func forEach(paths: [String], batchSize: Int, _ body: (LabelledCorpus) throws -> Void) throws {
        var batch = LabelledCorpus()
        var failure: Error?
        for path in paths {
            let reader = try LineReader.open(path: path)
            try reader.forEachLine { line, overlong in
                if overlong { batch.skipped += 1; return true }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) || line.first == UInt8(ascii: "#") { return true }
                guard let tab = line.firstIndex(of: 0x09) else { batch.skipped += 1; return true }
                let label = String(decoding: UnsafeBufferPointer(rebasing: line[(tab + 1)...]), as: UTF8.self)
                    .trimmingCharacters(in: .whitespaces)
                guard !label.isEmpty, !label.contains("\t"),
                      case let .domain(domain) = DomainParser.parse(UnsafeBufferPointer(rebasing: line[..<tab])) else {
                    batch.skipped += 1
                    return true
                }
                batch.domains.append(domain)
                batch.labels.append(label)
                if batch.count >= batchSize {
                    do { try body(batch) } catch { failure = error; return false }
                    batch = LabelledCorpus()
                }
                return true
            }
            if let failure { throw failure }
        }
        if batch.count > 0 { try body(batch) }
    }
}

import Foundation
