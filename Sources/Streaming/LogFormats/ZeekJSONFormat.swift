/// Zeek's dns.log as JSON lines (`LogAscii::use_json=T`):
/// `{"ts":1716199200.12,"uid":"C…","id.orig_h":"10.0.0.2",…,"query":"example.com",…,"qtype_name":"A",…}`.
/// Zeek leaves unset fields out, so a transaction without `query` carries none.
struct ZeekJSONFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let content = line.trimmed(0..<line.contentEnd())
        guard !content.isEmpty else { return .noQuery }
        guard line.isCompleteJSONObject(content) else { return .malformed("zeek-json: not a complete JSON object (truncated?)") }
        var name: Range<Int>?, time: Range<Int>?, client: Range<Int>?, qtype: Range<Int>?, qtypeNumber: Range<Int>?
        let complete = JSONFieldScanner(line: line, end: content.upperBound).forEachField { key, value in
            if line.equals(key, "query") { name = value }
            else if line.equals(key, "ts") { time = value }
            else if line.equals(key, "id.orig_h") { client = value }
            else if line.equals(key, "qtype_name") { qtype = value }
            else if line.equals(key, "qtype") { qtypeNumber = value }
        }
        guard complete else { return .malformed("zeek-json: unterminated string") }
        guard let name, !name.isEmpty else { return .noQuery }
        return .query(LogRecord(name: name, timestamp: time, client: client, qtype: qtype ?? qtypeNumber))
    }
}
