import FuzzServing
import FuzzSupport
import Streaming

/// Any bytes as a client of `serve`'s line protocol. The first byte picks the server's options (output
/// format, LRU on or off, a 64 KiB or a 100-byte line limit), the second how the rest is cut into reads
/// (1…256 bytes), so lines arrive split across reads as on a real socket. While no line is over the limit,
/// every complete line gets exactly one answer line, however the reads fall.
enum FuzzLineProtocol {
    static let newline = UInt8(ascii: "\n")

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        var options = FuzzBytes(input)
        let flags = Int(options.byte()), cut = Int(options.byte()) + 1
        let maxLineLength = flags & 8 == 0 ? 64 << 10 : 100
        let connection = FuzzConnection(http: false) { config in
            config.lineFormat = OutputFormat.allCases[flags % OutputFormat.allCases.count]
            config.lruEntries = flags & 4 == 0 ? 0 : 64
            config.maxLineLength = maxLineLength
        }
        defer { connection.close() }
        let requests = options.rest
        var start = 0
        while start < requests.count {
            let end = min(start + cut, requests.count)
            guard connection.read(UnsafeBufferPointer(rebasing: requests[start..<end])) else { break }
            start = end
        }
        let answers = connection.written().reduce(0) { $0 + ($1 == newline ? 1 : 0) }
        let lines = requests.split(separator: newline, omittingEmptySubsequences: false)
        let lengths = lines.map { $0.count - ($0.last == UInt8(ascii: "\r") ? 1 : 0) }
        guard lengths.allSatisfy({ $0 <= maxLineLength }) else { return }
        precondition(answers == lines.count - 1, "\(lines.count - 1) lines, \(answers) answers (reads of \(cut) bytes)")
    }
}
