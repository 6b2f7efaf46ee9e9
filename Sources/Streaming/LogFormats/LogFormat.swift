/// Where the fields of one log line are: byte ranges into the line buffer the
/// parser was given, so extracting costs nothing until someone reads them.
/// A field is nil where the format has no such field.
package struct LogRecord: Sendable, Equatable {
    /// The query name, raw bytes as logged (trailing dot, case and escapes kept).
    package var name: Range<Int>
    package var timestamp: Range<Int>?
    package var client: Range<Int>?
    package var qtype: Range<Int>?

    package init(name: Range<Int>, timestamp: Range<Int>? = nil, client: Range<Int>? = nil, qtype: Range<Int>? = nil) {
        self.name = name
        self.timestamp = timestamp
        self.client = client
        self.qtype = qtype
    }
}

/// What one log line holds.
package enum LogParse: Sendable, Equatable {
    /// A DNS query, with the ranges of its fields.
    case query(LogRecord)
    /// A line of the format that carries no query: replies, forwarded, cache
    /// and config chatter, headers, blank lines.
    case noQuery
    /// A line that should have held a query but cannot be read (truncated,
    /// unprintable name, missing column); the reason is for the error count.
    case malformed(String)
}

/// The log formats domcat reads (`--input NAME`).
package enum LogFormatKind: String, CaseIterable, Sendable {
    case plain, dnsmasq, unbound, bind
    case tsharkFields = "tshark-fields"
    case tsharkJSON = "tshark-json"
    case tcpdump, zeek
    case zeekJSON = "zeek-json"
    case csv, tsv
}

/// Turns one line (without or with its trailing `\n`/`\r\n`) into a `LogParse`.
/// Stateful where the format needs it (a Zeek `#fields` header, a CSV header
/// row), so one value reads one stream, in order.
package protocol LogFormat: Sendable {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse
}
