/// The host of a network rule anchored at a hostname: `||host^`, `||host^$opts`,
/// `||host$opts`, `||host`, and the same behind `@@` for exceptions. Rules with a
/// path, port or wildcard (`||host/ads`, `||ads.*.com^`) match URLs, not hosts, and
/// are not host rules.
struct NetworkRule {
    enum Kind { case block, exception }

    var kind: Kind
    var host: String
    /// Set by `domain=`/`from=`: the rule applies on some sites only.
    var isSiteSpecific: Bool

    /// Options that change a request (or cosmetic filtering) instead of blocking
    /// or unblocking it: such a rule says nothing about whether its host serves
    /// ads or tracking, whether it is a block rule or an exception.
    static let nonBlockingOptions: Set<String> = [
        "csp", "removeparam", "redirect-rule", "header", "permissions", "replace",
        "urlskip", "uritransform", "rewrite", "cookie",
        "generichide", "ghide", "elemhide", "ehide", "specifichide", "shide", "genericblock",
    ]

    /// Parses one trimmed line, or returns nil when it is not a host rule.
    /// `$badfilter` cancels a block rule, so it is reported as an exception.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> NetworkRule? {
        var kind = Kind.block
        var start = 0
        if line.starts(with: "@@".utf8) {
            kind = .exception
            start = 2
        }
        guard line[start...].starts(with: "||".utf8) else { return nil }
        start += 2

        var end = start
        while end < line.count, HostName.isWrittenHostByte(line[end]) { end += 1 }

        var optionsStart = line.count
        var isSiteSpecific = false
        if end < line.count {
            switch line[end] {
            case UInt8(ascii: "^"):
                let next = end + 1
                if next == line.count { break }
                if line[next] == UInt8(ascii: "$") { optionsStart = next + 1; break }
                if line[next] == UInt8(ascii: "|"), next + 1 == line.count { break }
                return nil
            case UInt8(ascii: "$"):
                optionsStart = end + 1
            default:
                return nil
            }
        }

        if optionsStart < line.count {
            let options = UnsafeBufferPointer(rebasing: line[optionsStart...])
            for option in options.split(separator: UInt8(ascii: ",")) {
                let name = option.prefix { $0 != UInt8(ascii: "=") }
                let text = String(decoding: name, as: UTF8.self).lowercased()
                if text == "badfilter" { kind = .exception }
                if text == "domain" || text == "from" { isSiteSpecific = true }
                if nonBlockingOptions.contains(text) { return nil }
            }
        }

        guard let host = HostName.normalised(UnsafeBufferPointer(rebasing: line[start..<end])) else { return nil }
        return NetworkRule(kind: kind, host: host, isSiteSpecific: isSiteSpecific)
    }
}
