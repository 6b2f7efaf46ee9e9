import DomainKit

/// CSV or TSV with the name in one column, chosen by 1-based index (`--column 3`)
/// or by header name (`--column qname`, the first row is then the header).
/// Without a column, a first row with a cell named like a domain column
/// (`domain`, `name`, `query`, `qname`, `host`, `hostname`, `fqdn`) is the
/// header; otherwise the first column holds the names. CSV cells may be quoted
/// (`"a,b"`, `""` for a quote); the name range is the raw bytes between the quotes.
struct DelimitedFormat: LogFormat {
    private let separator: UInt8
    private let quoted: Bool
    /// 0-based, once known.
    private var column: Int?
    /// Header names to look for while `column` is unknown.
    private let wanted: [[UInt8]]

    init(separator: UInt8, quoted: Bool, column: String?) {
        self.separator = separator
        self.quoted = quoted
        if let column, let index = Int(column), index >= 1 {
            self.column = index - 1
            wanted = []
        } else if let column {
            wanted = [Array(column.utf8)]
        } else {
            wanted = ColumnNames.name
        }
    }

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard end > 0 else { return .noQuery }
        guard let column else { return readHeader(line, end: end) }
        var cells = Cells(line: line, end: end, separator: separator, quoted: quoted)
        var index = 0
        while let cell = cells.next() {
            if index == column {
                guard let cell = cell else { return .malformed("\(quoted ? "csv" : "tsv"): unterminated quote") }
                return cell.isEmpty ? .noQuery : .query(LogRecord(name: cell))
            }
            index += 1
        }
        return .malformed("\(quoted ? "csv" : "tsv"): no column \(column + 1)")
    }

    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, end: Int) -> LogParse {
        var cells = Cells(line: line, end: end, separator: separator, quoted: quoted)
        var index = 0
        while let cell = cells.next() {
            if let cell, ColumnNames.isOne(of: wanted, UnsafeBufferPointer(rebasing: line[cell])) {
                column = index
                return .noQuery
            }
            index += 1
        }
        if wanted.count == 1 { return .malformed("no column \(String(decoding: wanted[0], as: UTF8.self)) in the header") }
        column = 0  // no header: the first column holds the names, from this row on
        return parse(line)
    }
}

/// The cells of one CSV/TSV row; `.some(nil)` for a quote left open.
private struct Cells {
    let line: UnsafeBufferPointer<UInt8>
    let end: Int
    let separator: UInt8
    let quoted: Bool
    var position: Int? = 0

    init(line: UnsafeBufferPointer<UInt8>, end: Int, separator: UInt8, quoted: Bool) {
        self.line = line
        self.end = end
        self.separator = separator
        self.quoted = quoted
    }

    mutating func next() -> Range<Int>?? {
        guard let start = position else { return nil }
        let cellStart = line.skipSpaces(from: start, to: end)
        if quoted, cellStart < end, line[cellStart] == .quote {
            var index = cellStart + 1
            while index < end {
                if line[index] == .quote {
                    if index + 1 < end, line[index + 1] == .quote { index += 2; continue }
                    break
                }
                index += 1
            }
            guard index < end else { position = nil; return .some(nil) }
            let stop = line.firstIndex(of: separator, from: index + 1, to: end)
            position = stop.map { $0 + 1 }
            return .some((cellStart + 1)..<index)
        }
        let stop = line.firstIndex(of: separator, from: start, to: end)
        position = stop.map { $0 + 1 }
        return .some(line.trimmed(start..<(stop ?? end)))
    }
}
