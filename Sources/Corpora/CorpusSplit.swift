import DomainKit
import Foundation
import Lines

/// The project's split rule (../shared/corpora/README.md): by registrable domain, never by name,
/// so sibling names never straddle train and test. FNV-1a 64 of the eTLD+1's UTF-8 bytes, `% 10`:
/// 0 → test, 1 → valid, anything else → train.
package enum CorpusSplit {
    package enum Part: String, CaseIterable, Sendable { case train, valid, test }

    package static func part(of domain: Domain, suffixes: PublicSuffixList) -> Part {
        // The corpora store IDNs as punycode, and so does `Domain`: hash that one key.
        let key = suffixes.registrableDomain(domain.name) ?? domain.name
        switch FNV1a64.hash(key) % 10 {
        case 0: return .test
        case 1: return .valid
        default: return .train
        }
    }

    /// Writes `corpus` into `folder` as train.tsv, valid.tsv and test.tsv (`name<TAB>label`); returns the
    /// count of each part. `stratified`: each label's shares kept (`stratifiedParts`) instead of the hash
    /// rule. Throws `OutputError` when the folder or a file cannot be written, or a file is one of
    /// `inputs` (`OutputPath`).
    package static func write(_ corpus: LabelledCorpus, suffixes: PublicSuffixList, to folder: String, inputs: [String],
                              stratified: Bool = false) throws -> [Part: Int] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch { throw OutputError.failed("cannot create \(folder): \(error.localizedDescription)") }
        var buffers: [Part: [UInt8]] = [:]
        var counts: [Part: Int] = [:]
        let parts = stratified ? stratifiedParts(corpus, suffixes: suffixes) : corpus.domains.map { part(of: $0, suffixes: suffixes) }
        for (part, (domain, label)) in zip(parts, zip(corpus.domains, corpus.labels)) {
            buffers[part, default: []].append(contentsOf: "\(domain.name)\t\(label)\n".utf8)
            counts[part, default: 0] += 1
        }
        let paths = Part.allCases.map { (folder as NSString).appendingPathComponent("\($0.rawValue).tsv") }
        // All three are checked before any is written, so a refused one leaves the others as they were.
        for path in paths { try OutputPath.check(path, inputs: inputs) }
        for (part, path) in zip(Part.allCases, paths) {
            try OutputSink.create(path, inputs: inputs).write(buffers[part] ?? [])
        }
        return counts
    }
}
