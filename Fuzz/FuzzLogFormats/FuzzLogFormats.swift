import DomainKit
import FuzzSupport
import Streaming

/// Any bytes as a log stream: `--input auto` detection on the first lines, then every line through every
/// format's parser (csv/tsv also with a column index and a header name), and each query's name through
/// `DomainParser`, as the pipeline does. Every field range must lie inside its line, and the stream with
/// CRLF line ends must read exactly as with LF (a syslog relayed from Windows is the same log).
enum FuzzLogFormats {
    static let parsers: [(LogFormatKind, column: String?)] =
        LogFormatKind.allCases.map { ($0, nil) } + [(.csv, "2"), (.tsv, "2"), (.csv, "qname"), (.tsv, "qname")]

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        let lf = LineBuffers(input, maxLines: 4096), crlf = LineBuffers(input, maxLines: 4096, appending: [0x0D])
        let detected = LogFormats.detect(Array(lf.lines.prefix(20)))
        precondition(LogFormats.detect(Array(crlf.lines.prefix(20))) == detected, "CRLF detected otherwise than \(detected)")
        for (kind, column) in parsers {
            var format = LogFormats.make(kind, column: column), crlfFormat = LogFormats.make(kind, column: column)
            for (line, crlfLine) in zip(lf.lines, crlf.lines) {
                let parsed = format.parse(line)
                precondition(crlfFormat.parse(crlfLine) == parsed, "\(kind): CRLF line parsed otherwise than \(parsed)")
                guard case let .query(record) = parsed else { continue }
                for field in [record.name, record.timestamp, record.client, record.qtype].compactMap({ $0 }) {
                    precondition(field.lowerBound >= 0 && field.upperBound <= line.count, "\(kind): field \(field) outside a \(line.count)-byte line")
                }
                _ = DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name]))
            }
        }
    }
}
