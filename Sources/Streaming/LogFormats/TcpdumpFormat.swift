/// tcpdump's text for DNS over UDP (`tcpdump -n -l port 53`, or `-T domain` on
/// another port):
/// `15:54:38.843491 IP 127.0.0.1.51121 > 127.0.0.1.53: 16383+ [1au] A? www.example.com. (56)`.
/// A query is the `TYPE?` right after the id and bracketed flags; responses
/// (`16383* 1/0/1 A 192.0.2.10 (60)`) and undecoded packets carry none.
struct TcpdumpFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard let ip = line.range(of: " IP ", from: 0, to: end) ?? line.range(of: " IP6 ", from: 0, to: end) else { return .noQuery }
        var tokens = Tokens(line, from: ip.upperBound, to: end)
        guard let source = tokens.next(), let arrow = tokens.next(), line.equals(arrow, ">"),
              let destination = tokens.next(), line[destination.upperBound - 1] == .colon else { return .noQuery }
        guard let id = tokens.next(), line[id.lowerBound].isDigit else { return .noQuery }
        var question = tokens.next()
        while let token = question, line[token.lowerBound] == UInt8(ascii: "[") { question = tokens.next() }
        guard let question, question.count > 1, line[question.upperBound - 1] == UInt8(ascii: "?") else { return .noQuery }
        guard let name = tokens.next(), let length = tokens.next(), line[length.lowerBound] == UInt8(ascii: "(") else {
            return .malformed("tcpdump: query line cut short")
        }
        // The source is address.port; the port goes.
        let client = line.lastIndex(of: .dot, in: source).map { source.lowerBound..<$0 } ?? source
        return .query(LogRecord(
            name: name,
            timestamp: line.trimmed(0..<ip.lowerBound).nilIfEmpty,
            client: client,
            qtype: question.lowerBound..<(question.upperBound - 1)))
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var index = range.upperBound
        while index > range.lowerBound {
            index -= 1
            if self[index] == byte { return index }
        }
        return nil
    }
}

extension Range where Bound == Int {
    var nilIfEmpty: Range<Int>? { isEmpty ? nil : self }
}
