/// unbound with `log-queries` (`[1716199200] unbound[7:0] info: 10.0.0.2 example.com. A IN`)
/// and `log-replies` (the same plus rcode, time, cached flag and size: no query).
/// `log-tag-queryreply` tags them `query:` and `reply:` instead of `info:`.
struct UnboundFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard let tag = line.range(of: " info: ", from: 0, to: end) ?? line.range(of: " query: ", from: 0, to: end) else {
            return .noQuery
        }
        // A query is exactly: client, name, type, class. Replies carry four more.
        var tokens = Tokens(line, from: tag.upperBound, to: end)
        guard let client = tokens.next(), line.looksLikeAddress(client) else { return .noQuery }
        guard let name = tokens.next(), let qtype = tokens.next(), let qclass = tokens.next() else {
            return .malformed("unbound: query line cut short")
        }
        guard tokens.next() == nil, Self.isClass(qclass, in: line) else { return .noQuery }
        return .query(LogRecord(
            name: name,
            timestamp: LogPrefixTimestamp.find(in: line, before: tag.lowerBound),
            client: client,
            qtype: qtype))
    }

    private static func isClass(_ token: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.equals(token, "IN") || line.equals(token, "CH") || line.equals(token, "HS")
            || line.equals(token, "ANY") || line.equals(token, "NONE")
            || line.matches("CLASS", at: token.lowerBound, end: token.upperBound)
    }
}
