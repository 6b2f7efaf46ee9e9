import DomainKit
import FuzzSupport
import Streaming

/// Any bytes as a log stream: `--input auto` detection on the first lines, then every line through every
/// format's parser (csv/tsv also with a column index and a header name), and each query's name through
/// `DomainParser`, as the pipeline does. Every field range must lie inside its line.
enum FuzzLogFormats {
    static let parsers: [(LogFormatKind, column: String?)] =
        LogFormatKind.allCases.map { ($0, nil) } + [(.csv, "2"), (.tsv, "2"), (.csv, "qname"), (.tsv, "qname")]

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        let buffers = LineBuffers(input, maxLines: 4096)
        _ = LogFormats.detect(Array(buffers.lines.prefix(20)))
        for (kind, column) in parsers {
            var format = LogFormats.make(kind, column: column)
            for line in buffers.lines {
                guard case let .query(record) = format.parse(line) else { continue }
                for field in [record.name, record.timestamp, record.client, record.qtype].compactMap({ $0 }) {
                    precondition(field.lowerBound >= 0 && field.upperBound <= line.count, "\(kind): field \(field) outside a \(line.count)-byte line")
                }
                _ = DomainParser.parse(UnsafeBufferPointer(rebasing: line[record.name]))
            }
        }
    }
}
