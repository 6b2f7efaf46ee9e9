import DomainKit

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

    /// Looks at the first lines (up to 20). A header says it: Zeek's `#fields` (the columns are its
    /// own, whatever they are), tshark's `-E header=y` row, tshark ek's index lines. Otherwise the format
    /// that explains the most lines wins: each candidate parser scores the queries it finds minus the
    /// lines it calls malformed, plain names score the lines that are a name and nothing else, and a
    /// format must beat that (so one odd row in a list of names, or a row without a query in a log, does
    /// not decide); ties go to the earlier, more specific candidate. Failing all, a CSV/TSV header naming a
    /// domain column; `.plain` when nothing else fits.
    package static func detect(_ firstLines: [UnsafeBufferPointer<UInt8>]) -> LogFormatKind {
        let lines = firstLines.prefix(20)
        if let kind = headerKind(lines) { return kind }
        var best: (kind: LogFormatKind, score: Int) = (.plain, lines.filter(isName).count)
        for kind in candidates {
            var parser = make(kind)
            var score = 0
            for line in lines {
                switch parser.parse(line) {
                case .query: score += 1
                case .malformed: score -= 1
                case .noQuery: break
                }
            }
            if score > best.score { best = (kind, score) }
        }
        if best.score > 0 { return best.kind }
        for line in lines where line.matches("#separator", at: 0, end: line.contentEnd()) { return .zeek }
        if let header = lines.first(where: { $0.contentEnd() > 0 }) {
            for (kind, separator) in [(LogFormatKind.tsv, UInt8.tab), (.csv, .comma)] where hasDomainColumn(header, separator: separator) {
                return kind
            }
        }
        return .plain
    }

    /// A line of a plain list: a name or an address, as the whole line.
    private static func isName(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        switch DomainParser.parse(line) {
        case .domain, .ipAddress, .root: true
        case .invalid: false
        }
    }

    /// The format a header line names, if one does.
    private static func headerKind(_ lines: ArraySlice<UnsafeBufferPointer<UInt8>>) -> LogFormatKind? {
        for line in lines {
            let end = line.contentEnd()
            if line.matches("#fields\t", at: 0, end: end) { return .zeek }
            if line.matches("{\"index\":{\"_index\":\"packets-", at: 0, end: end) { return .tsharkJSON }
            guard end > 0, line[0] != .hash else { continue }
            var fields = Fields(line, from: 0, to: end, separator: .tab)
            while let field = fields.next() {
                if line.equals(field, "dns.qry.name") { return .tsharkFields }
            }
        }
        return nil
    }

    private static func hasDomainColumn(_ line: UnsafeBufferPointer<UInt8>, separator: UInt8) -> Bool {
        let end = line.contentEnd()
        guard line.firstIndex(of: separator, from: 0, to: end) != nil else { return false }
        var fields = Fields(line, from: 0, to: end, separator: separator)
        while let field = fields.next() {
            var cell = line.trimmed(field)
            if cell.count >= 2, line[cell.lowerBound] == .quote, line[cell.upperBound - 1] == .quote { cell = (cell.lowerBound + 1)..<(cell.upperBound - 1) }
            if ColumnNames.isOne(of: ColumnNames.name, UnsafeBufferPointer(rebasing: line[cell])) { return true }
        }
        return false
    }
}
