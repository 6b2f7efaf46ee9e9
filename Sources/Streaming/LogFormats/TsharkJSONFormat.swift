/// tshark JSON, one packet per line: `-T ek` (`"dns_dns_qry_name"`, or
/// `"dns_qry_name"` with `-e` fields) and `-T json` packets compacted to one
/// line (`jq -c '.[]'`, dotted keys `"dns.qry.name"`). The `{"index":…}`
/// lines ek writes between packets, responses, and packets without a
/// question carry no query.
struct TsharkJSONFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let content = line.trimmed(0..<line.contentEnd())
        guard !content.isEmpty else { return .noQuery }
        guard line.isCompleteJSONObject(content) else { return .malformed("tshark-json: not a complete JSON object (truncated?)") }
        if line.matches("{\"index\"", at: content.lowerBound, end: content.upperBound) { return .noQuery }
        var name: Range<Int>?, qtype: Range<Int>?, client: Range<Int>?
        var epoch: Range<Int>?, ekTimestamp: Range<Int>?
        var isResponse = false
        let scanner = JSONFieldScanner(line: line, end: content.upperBound)
        let complete = scanner.forEachField { key, value in
            switch Self.field(of: key, in: line) {
            case .name: if name == nil { name = value }
            case .qtype: if qtype == nil { qtype = value }
            case .client: if client == nil { client = value }
            case .epoch: if epoch == nil { epoch = value }
            case .ekTimestamp: if ekTimestamp == nil { ekTimestamp = value }
            case .response: isResponse = line.equals(value, "true") || line.equals(value, "1") || line.equals(value, "True")
            case nil: break
            }
        }
        guard complete else { return .malformed("tshark-json: unterminated string") }
        guard let name, !isResponse, !name.isEmpty else { return .noQuery }
        return .query(LogRecord(name: name, timestamp: epoch ?? ekTimestamp, client: client, qtype: qtype))
    }

    private enum Field { case name, qtype, client, epoch, ekTimestamp, response }

    private static func field(of key: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> Field? {
        guard key.count >= 6 else { return nil }
        switch line[key.upperBound - 1] {
        case UInt8(ascii: "e"):
            if line.equals(key, "dns_dns_qry_name") || line.equals(key, "dns_qry_name") || line.equals(key, "dns.qry.name") { return .name }
            if line.equals(key, "dns_dns_qry_type") || line.equals(key, "dns_qry_type") || line.equals(key, "dns.qry.type") { return .qtype }
            if line.equals(key, "dns_dns_flags_response") || line.equals(key, "dns_flags_response") || line.equals(key, "dns.flags.response") { return .response }
        case UInt8(ascii: "c"):
            if line.equals(key, "ip_ip_src") || line.equals(key, "ip_src") || line.equals(key, "ip.src")
                || line.equals(key, "ipv6_ipv6_src") || line.equals(key, "ipv6_src") || line.equals(key, "ipv6.src") { return .client }
        case UInt8(ascii: "h"):
            if line.equals(key, "frame_frame_time_epoch") || line.equals(key, "frame_time_epoch") || line.equals(key, "frame.time_epoch") { return .epoch }
        case UInt8(ascii: "p"):
            if line.equals(key, "timestamp") { return .ekTimestamp }
        default: break
        }
        return nil
    }
}
