/// Zeek's dns.log in its ASCII form: `#separator \x09`, `#fields ts uid id.orig_h … query … qtype_name …`
/// header lines, then one line per DNS transaction. Without a header, Zeek's
/// default dns.log column order applies. Unset (`-`) and empty (`(empty)`)
/// fields are nil; a line whose field count differs from `#fields` is cut short.
struct ZeekFormat: LogFormat {
    private var separator = UInt8.tab
    private var fieldCount: Int?
    private var columns = LogColumns(time: 0, client: 2, name: 9, qtype: 13)

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard end > 0 else { return .noQuery }
        if line[0] == .hash { return readHeader(line, end: end) }
        guard columns.name != nil else { return .noQuery }
        let row = columns.pick(line, end: end, separator: separator)
        if let fieldCount, row.count != fieldCount { return .malformed("zeek: \(row.count) fields where #fields has \(fieldCount)") }
        guard let name = row.name else { return .malformed("zeek: line cut short") }
        if fieldCount == nil, !(row.time.map { line.looksLikeEpoch($0) } ?? false) { return .malformed("zeek: no ts in the first column") }
        guard let name = set(name, in: line) else { return .noQuery }
        return .query(LogRecord(name: name, timestamp: row.time.flatMap { set($0, in: line) },
                                client: row.client.flatMap { set($0, in: line) }, qtype: row.qtype.flatMap { set($0, in: line) }))
    }

    /// The field unless Zeek wrote it as unset or empty.
    private func set(_ field: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        field.isEmpty || line.equals(field, "-") || line.equals(field, "(empty)") ? nil : field
    }

    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, end: Int) -> LogParse {
        if line.matches("#separator ", at: 0, end: end) {
            let value = line.trimmed(11..<end)
            if value.count == 4, line.matches("\\x", at: value.lowerBound, end: end),
               let high = hexValue(line[value.lowerBound + 2]), let low = hexValue(line[value.lowerBound + 3]) {
                separator = high << 4 | low
            } else if value.count == 1 {
                separator = line[value.lowerBound]
            }
        } else if line.matches("#fields", at: 0, end: end) {
            var fields = Fields(line, from: 0, to: end, separator: separator)
            _ = fields.next()  // "#fields"
            var column = 0
            var time: Int?, client: Int?, name: Int?, qtype: Int?, qtypeNumber: Int?
            while let field = fields.next() {
                if line.equals(field, "ts") { time = column }
                else if line.equals(field, "id.orig_h") { client = column }
                else if line.equals(field, "query") { name = column }
                else if line.equals(field, "qtype_name") { qtype = column }
                else if line.equals(field, "qtype") { qtypeNumber = column }
                column += 1
            }
            columns = LogColumns(time: time, client: client, name: name, qtype: qtype ?? qtypeNumber)
            fieldCount = column
            if name == nil { return .malformed("zeek: #fields has no query column") }
        }
        return .noQuery
    }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
