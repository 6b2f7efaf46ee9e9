// Temporary until branch logformats merges (same API).
public struct LogRecord: Sendable, Equatable { public var name: Range<Int>; public var timestamp: Range<Int>?; public var client: Range<Int>?; public var qtype: Range<Int>? }
public enum LogParse: Sendable, Equatable { case query(LogRecord); case noQuery; case malformed(String) }
public enum LogFormatKind: String, CaseIterable, Sendable { case plain }
public protocol LogFormat { mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse }
struct PlainFormat: LogFormat {
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LogParse { .query(LogRecord(name: 0..<line.count)) }
}
public enum LogFormats {
    public static func make(_ kind: LogFormatKind, column: String? = nil) -> any LogFormat { PlainFormat() }
    public static func detect(_ firstLines: [UnsafeBufferPointer<UInt8>]) -> LogFormatKind { .plain }
}
