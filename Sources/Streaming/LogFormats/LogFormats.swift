/// Makes parsers and recognises formats from a stream's first lines.
package enum LogFormats {
    /// A fresh parser for `kind`. `column` (csv/tsv only) is a 1-based index or a header name.
    package static func make(_ kind: LogFormatKind, column: String? = nil) -> any LogFormat {
        switch kind {
        case .plain: return PlainFormat()
        case .dnsmasq: return DnsmasqFormat()
        case .unbound: return UnboundFormat()
        case .bind: return BindFormat()
        case .tsharkFields: return TsharkFieldsFormat()
        case .tsharkJSON: return TsharkJSONFormat()
        case .tcpdump: return TcpdumpFormat()
        case .zeek: return ZeekFormat()
        case .zeekJSON: return ZeekJSONFormat()
        case .csv: return DelimitedFormat(separator: .comma, quoted: true, column: column)
        case .tsv: return DelimitedFormat(separator: .tab, quoted: false, column: column)
        }
    }

    /// Formats tried by `detect`, most specific first: on equal query counts the earlier wins.
    private static let candidates: [LogFormatKind] = [.dnsmasq, .unbound, .bind, .tcpdump, .zeek, .zeekJSON, .tsharkJSON, .tsharkFields]

    /// Looks at the first lines (up to 20) and picks the format whose parser
    /// finds the most queries in them. Failing that, a Zeek or tshark-ek
    /// header, then a CSV/TSV header naming a domain column; `.plain` when
    /// nothing else fits.
    package static func detect(_ firstLines: [UnsafeBufferPointer<UInt8>]) -> LogFormatKind {
        let lines = firstLines.prefix(20)
        var best: (kind: LogFormatKind, queries: Int) = (.plain, 0)
        for kind in candidates {
            var parser = make(kind)
            var queries = 0
            for line in lines { if case .query = parser.parse(line) { queries += 1 } }
            if queries > best.queries { best = (kind, queries) }
        }
        if best.queries > 0 { return best.kind }
        for line in lines {
            let end = line.contentEnd()
            if line.matches("#separator", at: 0, end: end) || line.matches("#fields\t", at: 0, end: end) { return .zeek }
            if line.matches("{\"index\":{\"_index\":\"packets-", at: 0, end: end) { return .tsharkJSON }
        }
        if let header = lines.first(where: { $0.contentEnd() > 0 }) {
            for (kind, separator) in [(LogFormatKind.tsv, UInt8.tab), (.csv, .comma)] where hasDomainColumn(header, separator: separator) {
                return kind
            }
        }
        return .plain
    }

    private static func hasDomainColumn(_ line: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Bool {
        let end = line.contentEnd()
        guard line.firstIndex(of: separator, from: 0, to: end) != nil else { return false }
        var fields = Fields(line, from: 0, to: end, separator: separator)
        while let field = fields.next() {
            var cell = line.trimmed(field)
            if cell.count >= 2, line[cell.lowerBound] == .quote, line[cell.upperBound - 1] == .quote { cell = (cell.lowerBound + 1)..<(cell.upperBound - 1) }
            if DelimitedFormat.domainColumnNames.contains(where: { line.equalsIgnoringCase(cell, $0) }) { return true }
        }
        return false
    }
}
