/// One name per line. The trimmed line is the name; the domain normaliser
/// downstream deals with URLs, trailing dots and case. Blank lines and
/// `#` comments carry no query.
struct PlainFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse {
        let content = line.trimmed(0..<line.contentEnd())
        guard !content.isEmpty, line[content.lowerBound] != .hash else { return .noQuery }
        return .query(LogRecord(name: content))
    }
}
