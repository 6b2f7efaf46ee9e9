/// Why a name is not for a model: it never leaves the local network, it is a reverse lookup, or it ends in
/// no public suffix — labelling it `ads` or `shopping` would be a guess presented as an answer.
package enum SpecialName: String, Sendable {
    /// Single-label names (`localhost`, `wpad`, `com`) and names under the private-use suffixes.
    case local
    /// `in-addr.arpa` and `ip6.arpa`: an address asked for its name.
    case reverse
    /// The top-level label is in no Public Suffix List rule (`printer.corp`, `foo.invalid`).
    case nosuffix
}

/// Sorts out the names no model should label (`SpecialName`), before any model work.
package struct NameScope: Sendable {
    package let suffixes: PublicSuffixList

    /// Suffixes for names that stay on a local network: RFC 6762 (`local`), RFC 8375 (`home.arpa`),
    /// ICANN's `internal`, and the `lan`/`localdomain`/`localhost` that home routers and resolvers use.
    static let localSuffixes = ["local", "lan", "home.arpa", "internal", "localdomain", "localhost"].map { Array($0.utf8) }
    static let reverseSuffixes = ["in-addr.arpa", "ip6.arpa"].map { Array($0.utf8) }

    package init(suffixes: PublicSuffixList) { self.suffixes = suffixes }

    /// Byte comparisons only: this runs for every name before the cache is asked.
    package func special(_ domain: Domain) -> SpecialName? {
        var name = domain.name
        return name.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: ".")) else { return .local }
            if Self.reverseSuffixes.contains(where: { Self.name(bytes, endsWith: $0) }) { return .reverse }
            if Self.localSuffixes.contains(where: { Self.name(bytes, endsWith: $0) }) { return .local }
            return suffixes.isListedTopLevel(bytes) ? nil : .nosuffix
        }
    }

    /// `name` is `suffix` or ends in `.suffix`.
    @inline(__always)
    static func name(_ name: UnsafeBufferPointer<UInt8>, endsWith suffix: [UInt8]) -> Bool {
        let n = name.count, s = suffix.count
        guard n >= s else { return false }
        for i in 0..<s where name[n - s + i] != suffix[i] { return false }
        return n == s || name[n - s - 1] == UInt8(ascii: ".")
    }
}
