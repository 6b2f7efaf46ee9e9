/// BIND 9 query log, with or without the time/category/severity prefixes:
/// `23-Nov-2026 15:54:46.569 queries: info: client @0x7f… 127.0.0.1#5353 (example.com): query: example.com IN A +E(0)K (127.0.0.1)`.
/// Older releases omit `@0x…`; views add `view NAME: ` before `query:`.
/// Other lines (`query failed`, `denied`, …) carry no query.
struct BindFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard let clientWord = line.range(of: "client ", from: 0, to: end),
              clientWord.lowerBound == 0 || line[clientWord.lowerBound - 1] == .space else { return .noQuery }
        guard let query = line.range(of: ": query: ", from: clientWord.upperBound, to: end) else { return .noQuery }
        var tokens = Tokens(line, from: clientWord.upperBound, to: query.lowerBound)
        var address = tokens.next()
        if let token = address, line.matches("@0x", at: token.lowerBound, end: token.upperBound) { address = tokens.next() }
        let client = address.map { token in
            line.firstIndex(of: .hash, from: token.lowerBound, to: token.upperBound).map { token.lowerBound..<$0 } ?? token
        }
        var fields = Tokens(line, from: query.upperBound, to: end)
        guard let name = fields.next(), fields.next() != nil, let qtype = fields.next() else {
            return .malformed("bind: query line cut short")
        }
        return .query(LogRecord(
            name: name,
            timestamp: LogPrefixTimestamp.find(in: line, before: clientWord.lowerBound),
            client: client,
            qtype: qtype))
    }
}
