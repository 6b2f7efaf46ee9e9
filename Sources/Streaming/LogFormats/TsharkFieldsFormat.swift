/// `tshark -T fields`, tab-separated. Default column order (what
/// tools/make-dns-fixtures.sh writes):
///
///     tshark -T fields -e frame.time_epoch -e ip.src -e dns.qry.name -e dns.qry.type [-e dns.flags.response]
///
/// With the optional fifth column, responses (`1`/`True`) carry no query;
/// without it add `-Y "dns.flags.response == 0"`. With `-E header=y` the header
/// row names the columns, in any order.
struct TsharkFieldsFormat: LogFormat {
    private var columns = LogColumns(time: 0, client: 1, name: 2, qtype: 3, response: 4)

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let end = line.contentEnd()
        guard end > 0 else { return .noQuery }
        if line.range(of: "dns.qry.name", from: 0, to: end) != nil { return readHeader(line, end: end) }
        let row = columns.pick(line, end: end, separator: .tab)
        let time = row.time, client = row.client, qtype = row.qtype
        guard let name = row.name else { return .malformed("tshark-fields: line cut short") }
        if columns.time != nil, !(time.map { line.looksLikeEpoch($0) } ?? false) { return .malformed("tshark-fields: no epoch time") }
        if let client, !client.isEmpty, !line.looksLikeAddress(client) { return .malformed("tshark-fields: no address where ip.src goes") }
        if let response = row.response, line.equals(response, "1") || line.equals(response, "True") { return .noQuery }
        guard !name.isEmpty else { return .noQuery }
        return .query(LogRecord(name: name, timestamp: time, client: client.flatMap { $0.isEmpty ? nil : $0 }, qtype: qtype.flatMap { $0.isEmpty ? nil : $0 }))
    }

    /// `-E header=y`: take the column of each field from its name.
    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>, end: Int) -> LogParse {
        var time: Int?, client: Int?, name: Int?, qtype: Int?, response: Int?
        var fields = Fields(line, from: 0, to: end, separator: .tab)
        var column = 0
        while let field = fields.next() {
            if line.equals(field, "frame.time_epoch") { time = column }
            else if line.equals(field, "ip.src") || line.equals(field, "ipv6.src") { client = client ?? column }
            else if line.equals(field, "dns.qry.name") { name = column }
            else if line.equals(field, "dns.qry.type") { qtype = column }
            else if line.equals(field, "dns.flags.response") { response = column }
            column += 1
        }
        guard let name else { return .malformed("tshark-fields: header without dns.qry.name") }
        columns = LogColumns(time: time, client: client, name: name, qtype: qtype, response: response)
        return .noQuery
    }
}
