import DomainKit

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
}
