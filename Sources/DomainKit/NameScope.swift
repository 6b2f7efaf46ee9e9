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
    static let localSuffixes = ["local", "lan", "home.arpa", "internal", "localdomain", "localhost"]
    static let reverseSuffixes = ["in-addr.arpa", "ip6.arpa"]

    package init(suffixes: PublicSuffixList) { self.suffixes = suffixes }

    package func special(_ domain: Domain) -> SpecialName? {
        let name = domain.name
        guard name.utf8.contains(UInt8(ascii: ".")) else { return .local }
        if Self.reverseSuffixes.contains(where: { Self.name(name, endsWith: $0) }) { return .reverse }
        if Self.localSuffixes.contains(where: { Self.name(name, endsWith: $0) }) { return .local }
        var copy = name
        return copy.withUTF8 { suffixes.isListedTopLevel($0) } ? nil : .nosuffix
    }

    /// `name` is `suffix` or ends in `.suffix`.
    static func name(_ name: String, endsWith suffix: String) -> Bool {
        name == suffix || name.hasSuffix("." + suffix)
    }
}
