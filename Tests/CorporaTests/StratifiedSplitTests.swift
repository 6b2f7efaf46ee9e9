import Corpora
import DomainKit
import Foundation
import XCTest

/// `split --stratified` on the shipped v2fly corpus (123 labels, many of them small): each registrable
/// name in one part, the same parts every run and for any input order, and every label's shares close
/// to 80/10/10 — closer than the hash rule gets them.
final class StratifiedSplitTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func realCorpus() throws -> (LabelledCorpus, PublicSuffixList) {
        guard FileManager.default.fileExists(atPath: PublicSuffixList.debianPath) else { throw XCTSkip("publicsuffix not installed") }
        let path = Self.root.appendingPathComponent("corpora/v2fly/v2fly-2025-08-20.tsv.zst").path
        return (try LabelledCorpus.read(paths: [path]), try PublicSuffixList())
    }

    func testGroupsStayWholeSharesHoldAndRunsAgree() throws {
        let (corpus, suffixes) = try realCorpus()
        XCTAssertGreaterThan(corpus.count, 10_000)
        let parts = CorpusSplit.stratifiedParts(corpus, suffixes: suffixes)
        XCTAssertEqual(parts.count, corpus.count)

        // Group integrity: one part per registrable name.
        var partOf: [String: CorpusSplit.Part] = [:]
        var groupSize: [String: [String: Int]] = [:]  // label → registrable name → names
        for (i, domain) in corpus.domains.enumerated() {
            let key = suffixes.registrableDomain(domain.name) ?? domain.name
            if let earlier = partOf[key] { XCTAssertEqual(earlier, parts[i], "\(key) straddles two parts") }
            partOf[key] = parts[i]
            groupSize[corpus.labels[i], default: [:]][key, default: 0] += 1
        }

        // Determinism: the same again, and the same part for every name when the input comes reversed.
        XCTAssertEqual(CorpusSplit.stratifiedParts(corpus, suffixes: suffixes), parts)
        var reversed = LabelledCorpus()
        for i in corpus.domains.indices.reversed() { reversed.append(corpus.domains[i], corpus.labels[i]) }
        XCTAssertEqual(Array(CorpusSplit.stratifiedParts(reversed, suffixes: suffixes).reversed()), parts)

        // Shares: within the label's largest group (which cannot be split) and three names of target.
        func shares(_ parts: [CorpusSplit.Part]) -> [String: [CorpusSplit.Part: Double]] {
            var counts: [String: [CorpusSplit.Part: Double]] = [:]
            for (p, l) in zip(parts, corpus.labels) { counts[l, default: [:]][p, default: 0] += 1 }
            return counts.mapValues { c in
                let n = c.values.reduce(0, +)
                return c.mapValues { $0 / n }
            }
        }
        let stratified = shares(parts)
        var deviation = 0.0, hashDeviation = 0.0, emptyTests = 0, hashEmptyTests = 0
        let hashShares = shares(corpus.domains.map { CorpusSplit.part(of: $0, suffixes: suffixes) })
        for (label, groups) in groupSize {
            let n = Double(groups.values.reduce(0, +))
            let largest = Double(groups.values.max()!)
            let slack = (largest + 3) / n
            for part in CorpusSplit.Part.allCases {
                let target = CorpusSplit.shares[part]!
                let share = stratified[label]![part] ?? 0
                XCTAssertLessThanOrEqual(abs(share - target), slack, "\(label) \(part): \(share) of \(Int(n))")
                deviation += abs(share - target)
                hashDeviation += abs((hashShares[label]![part] ?? 0) - target)
            }
            // Labels of ten names or more, no one registrable name holding half of them.
            guard n >= 10, largest < n / 2 else { continue }
            if stratified[label]![.test] == nil { emptyTests += 1 }
            if hashShares[label]![.test] == nil { hashEmptyTests += 1 }
        }
        XCTAssertLessThan(deviation, hashDeviation / 3, "stratified \(deviation) vs hash \(hashDeviation)")
        XCTAssertEqual(emptyTests, 0)
        XCTAssertLessThanOrEqual(emptyTests, hashEmptyTests)
        // Overall, the parts are the hash rule's sizes.
        let total = Double(corpus.count)
        for part in CorpusSplit.Part.allCases {
            XCTAssertEqual(Double(parts.filter { $0 == part }.count) / total, CorpusSplit.shares[part]!, accuracy: 0.01)
        }
    }

    func testWriteUsesTheRuleAsked() throws {
        let (full, suffixes) = try realCorpus()
        var corpus = LabelledCorpus()
        for i in stride(from: 0, to: full.count, by: 7) { corpus.append(full.domains[i], full.labels[i]) }
        let folder = NSTemporaryDirectory() + "stratified-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let counts = try CorpusSplit.write(corpus, suffixes: suffixes, to: folder + "/s", inputs: [], stratified: true)
        let parts = CorpusSplit.stratifiedParts(corpus, suffixes: suffixes)
        for part in CorpusSplit.Part.allCases { XCTAssertEqual(counts[part] ?? 0, parts.filter { $0 == part }.count) }
        let test = try String(contentsOfFile: folder + "/s/test.tsv", encoding: .utf8).split(separator: "\n")
        let expected = zip(corpus.domains, parts).filter { $1 == .test }.map { $0.0.name }
        XCTAssertEqual(test.map { String($0.split(separator: "\t")[0]) }, expected)
        let hashCounts = try CorpusSplit.write(corpus, suffixes: suffixes, to: folder + "/h", inputs: [])
        XCTAssertEqual(hashCounts[.test] ?? 0, corpus.domains.filter { CorpusSplit.part(of: $0, suffixes: suffixes) == .test }.count)
    }
}
