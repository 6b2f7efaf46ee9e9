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
    /// Set by `$important`: the block holds even against exceptions.
    var isImportant: Bool

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
        if line.count >= 2, line[0] == UInt8(ascii: "@"), line[1] == UInt8(ascii: "@") {
            kind = .exception
            start = 2
        }
        guard line.count >= start + 2, line[start] == UInt8(ascii: "|"), line[start + 1] == UInt8(ascii: "|")
        else { return nil }
        start += 2

        var end = start
        while end < line.count, HostName.isWrittenHostByte(line[end]) { end += 1 }

        var optionsStart = line.count
        var isSiteSpecific = false
        var isImportant = false
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

        for name in optionNames(line, from: optionsStart) {
            if name == "badfilter" { kind = .exception }
            if name == "domain" || name == "from" { isSiteSpecific = true }
            if name == "important" { isImportant = true }
            if nonBlockingOptions.contains(name) { return nil }
        }

        guard let host = HostName.normalised(UnsafeBufferPointer(rebasing: line[start..<end])) else { return nil }
        return NetworkRule(kind: kind, host: host, isSiteSpecific: isSiteSpecific, isImportant: isImportant)
    }

    /// Lower-cased names of the comma-separated `name[=value]` options from `start` on.
    private static func optionNames(_ line: UnsafeBufferPointer<UInt8>, from start: Int) -> [String] {
        var names = [String]()
        var index = start
        while index < line.count {
            var nameEnd = index
            while nameEnd < line.count, line[nameEnd] != UInt8(ascii: ","), line[nameEnd] != UInt8(ascii: "=") {
                nameEnd += 1
            }
            names.append(String(decoding: UnsafeBufferPointer(rebasing: line[index..<nameEnd]), as: UTF8.self).lowercased())
            index = nameEnd
            while index < line.count, line[index] != UInt8(ascii: ",") { index += 1 }
            index += 1
        }
        return names
    }
}
