/// dnsmasq with `log-queries` (`dnsmasq[7]: query[A] example.com from 10.0.0.2`)
/// or `log-queries=extra` (`dnsmasq[7]: 12 10.0.0.2/40000 query[A] example.com from 10.0.0.2`).
/// `query[…]` and authoritative `auth[…]` lines are queries; `forwarded`,
/// `reply`, `cached`, `config`, `dnssec-query` and start-up lines are not.
struct DnsmasqFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        // The message follows the syslog tag `dnsmasq[pid]: `, the first ": ".
        let tag = line.range(of: ": ", from: 0, to: end)
        var tokens = Tokens(line, from: tag?.upperBound ?? 0, to: end)
        guard var verb = tokens.next() else { return .noQuery }
        if line.isDigits(verb) {  // extra: serial number, then client/port
            guard tokens.next() != nil, let next = tokens.next() else { return .noQuery }
            verb = next
        }
        let typeStart: Int
        if line.matches("query[", at: verb.lowerBound, end: verb.upperBound) {
            typeStart = verb.lowerBound + 6
        } else if line.matches("auth[", at: verb.lowerBound, end: verb.upperBound) {
            typeStart = verb.lowerBound + 5
        } else {
            return .noQuery
        }
        guard line[verb.upperBound - 1] == UInt8(ascii: "]"), typeStart < verb.upperBound - 1 else {
            return .malformed("dnsmasq: unreadable query type")
        }
        let nameStart = line.skipSpaces(from: verb.upperBound, to: end)
        guard let from = line.range(of: " from ", from: nameStart, to: end), from.lowerBound > nameStart else {
            return .malformed("dnsmasq: query without 'from CLIENT' (truncated?)")
        }
        let name = nameStart..<from.lowerBound
        if line.equals(name, "<name unprintable>") { return .malformed("dnsmasq: name unprintable") }
        var clientTokens = Tokens(line, from: from.upperBound, to: end)
        return .query(LogRecord(
            name: name,
            timestamp: tag.flatMap { LogPrefixTimestamp.find(in: line, before: $0.lowerBound) },
            client: clientTokens.next(),
            qtype: typeStart..<(verb.upperBound - 1)))
    }
}
