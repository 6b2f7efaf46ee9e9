/// Finds the timestamp in the prefix servers put before their message:
/// syslog (`Nov 23 15:44:18 host dnsmasq[1]`), ISO 8601 (`2026-11-23T15:44:18Z host …`),
/// BIND's own (`23-Nov-2026 15:54:46.569 queries: info:`), unbound's (`[1716199200]`).
enum LogPrefixTimestamp {
    /// The timestamp within `line[0..<end]`, or nil when the prefix has none.
    static func find(in line: UnsafeBufferPointer<UInt8>, before end: Int) -> Range<Int>? {
        var prefix = line.trimmed(0..<end)
        guard !prefix.isEmpty else { return nil }
        // Stop at the first token ending in ':' (`queries:`, `named[12]:`); a
        // time such as `15:54:46` never ends in one.
        var tokens = Tokens(line, from: prefix.lowerBound, to: prefix.upperBound)
        var first: Range<Int>?
        while let token = tokens.next() {
            if first == nil { first = token }
            if line[token.upperBound - 1] == .colon {
                prefix = line.trimmed(prefix.lowerBound..<token.lowerBound)
                break
            }
        }
        guard let firstToken = first, !prefix.isEmpty else { return nil }
        let start = prefix.lowerBound
        if line[start] == UInt8(ascii: "["), let close = line.firstIndex(of: UInt8(ascii: "]"), from: start, to: prefix.upperBound) {
            return close > start + 1 ? (start + 1)..<close : nil
        }
        if line[start].isLetter {
            // `Mmm dd hh:mm:ss`, the classic syslog stamp; a hostname may follow.
            let classic = start..<(start + 15)
            guard classic.upperBound <= prefix.upperBound, line[start + 3] == .space,
                  line[start + 9] == .colon, line[start + 12] == .colon else { return nil }
            return classic
        }
        if line.firstIndex(of: UInt8(ascii: "T"), from: firstToken.lowerBound, to: firstToken.upperBound) != nil {
            return firstToken
        }
        return prefix
    }
}
