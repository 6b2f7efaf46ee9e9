/// What one filter list says about hosts.
package struct FilterListHosts: Sendable, Equatable {
    /// Hosts blocked as a whole (`||host^`, hosts-file and bare-host lines), minus
    /// those an exception (`@@||host^`, `$badfilter`) unblocks on every site and
    /// no `$important` rule keeps blocked. Sorted, unique.
    package var blocked: [String]
    /// Sites cosmetic rules are written for. Sorted, unique.
    package var cosmeticSites: [String]
    /// Rule lines that named no host: URL patterns, generic cosmetic rules, rules
    /// under `!#if false`, exceptions that unblock on some sites only, … Comments,
    /// headers and blank lines are not counted.
    package var skippedLines: Int

    package init(blocked: [String], cosmeticSites: [String], skippedLines: Int) {
        self.blocked = blocked
        self.cosmeticSites = cosmeticSites
        self.skippedLines = skippedLines
    }
}

/// Reader of Adblock Plus / uBlock Origin filter lists, for the hosts they name.
package enum FilterList {
    /// Reads ABP/uBO syntax:
    /// - `!` comments and `!#` directives; content under `!#if false` is skipped;
    ///   `[Adblock Plus 2.0]` headers; `# ` comments of hosts files.
    /// - `||host^`, with or without options (`$third-party`, `$important`, …), and
    ///   `||host$opts` / `||host`: blocked hosts. Options that rewrite a request
    ///   rather than block it (`$csp`, `$removeparam`, `$redirect-rule`, …) do not count.
    /// - `@@||host^` exceptions and `||host^$badfilter`: the host is removed from
    ///   `blocked` unless the exception holds on some sites only (`$domain=`) or
    ///   the host has an `$important` block, which beats exceptions.
    /// - `0.0.0.0 host` / `127.0.0.1 host` lines and bare hostname lines: blocked hosts.
    /// - `||host/path`, `||ads.*.com^` and other URL patterns: no host.
    /// - `a.com,~b.com##sel` and the `#@#`, `#?#`, `##+js(…)` forms: `a.com` is a
    ///   cosmetic site; negated, wildcard (`google.*`) and generic entries are not.
    /// Hosts are normalised (lower-case, no trailing dot or leading `www.`); IP
    /// literals and names with characters outside `[a-z0-9-_.]` are dropped.
    package static func parse(_ text: String) -> FilterListHosts {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> FilterListHosts {
        var blocked = Set<String>()
        var unblocked = Set<String>()
        var important = Set<String>()
        var sites = Set<String>()
        var skipped = 0
        var preprocessor = Preprocessor()

        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: lineStart) ?? bytes.count
            let line = trimmed(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            lineStart = lineEnd + 1

            guard let first = line.first, first != UInt8(ascii: "[") else { continue }
            if first == UInt8(ascii: "!") {
                preprocessor.apply(directive: line)
                continue
            }
            guard preprocessor.isActive else {
                skipped += 1
                continue
            }

            var named = false
            if let cosmetic = CosmeticRule.sites(line) {
                sites.formUnion(cosmetic)
                named = !cosmetic.isEmpty
            } else if first == UInt8(ascii: "#") {
                continue
            } else if let rule = NetworkRule.parse(line) {
                switch rule.kind {
                case .block:
                    blocked.insert(rule.host)
                    if rule.isImportant { important.insert(rule.host) }
                    named = true
                case .exception where !rule.isSiteSpecific:
                    unblocked.insert(rule.host)
                    named = true
                case .exception:
                    break
                }
            } else if let hosts = HostsFileLine.hosts(line) {
                blocked.formUnion(hosts)
                named = !hosts.isEmpty
            } else if let host = HostsFileLine.bareHost(line) {
                blocked.insert(host)
                named = true
            }
            if !named { skipped += 1 }
        }

        return FilterListHosts(
            blocked: blocked.subtracting(unblocked.subtracting(important)).sorted(),
            cosmeticSites: sites.sorted(),
            skippedLines: skipped)
    }

    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var start = 0
        var end = line.count
        while start < end, isSpace(line[start]) { start += 1 }
        while end > start, isSpace(line[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(rebasing: line[start..<end])
    }
}
