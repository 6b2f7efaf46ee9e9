import Foundation

/// Byte scanning the parsers share. Every helper is linear in the bytes it
/// looks at and allocates nothing, so a 1 MiB line costs what it weighs.
extension UnsafeBufferPointer where Element == UInt8 {
    /// End of the line's content: trailing `\n`, `\r`, spaces and tabs excluded.
    func contentEnd() -> Int {
        var end = count
        while end > 0, self[end - 1].isLineSpace { end -= 1 }
        return end
    }

    /// First index in `from..<to` that is not a space or tab.
    func skipSpaces(from: Int, to: Int) -> Int {
        var index = from
        while index < to, self[index] == .space || self[index] == .tab { index += 1 }
        return index
    }

    /// `range` without leading and trailing spaces and tabs.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        let start = skipSpaces(from: range.lowerBound, to: range.upperBound)
        var end = range.upperBound
        while end > start, self[end - 1] == .space || self[end - 1] == .tab { end -= 1 }
        return start..<end
    }

    func firstIndex(of byte: UInt8, from: Int, to: Int) -> Int? {
        guard from < to, let base = baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether the bytes at `index` are `pattern`, all before `end`.
    func matches(_ pattern: StaticString, at index: Int, end: Int) -> Bool {
        let length = pattern.utf8CodeUnitCount
        guard index >= 0, index + length <= end, let base = baseAddress else { return false }
        return memcmp(base + index, pattern.utf8Start, length) == 0
    }

    /// First occurrence of `pattern` within `from..<to`.
    func range(of pattern: StaticString, from: Int, to: Int) -> Range<Int>? {
        let first = pattern.utf8Start.pointee
        var index = from
        while let candidate = firstIndex(of: first, from: index, to: to) {
            if matches(pattern, at: candidate, end: to) { return candidate..<(candidate + pattern.utf8CodeUnitCount) }
            index = candidate + 1
        }
        return nil
    }

    func equals(_ range: Range<Int>, _ pattern: StaticString) -> Bool {
        range.count == pattern.utf8CodeUnitCount && matches(pattern, at: range.lowerBound, end: range.upperBound)
    }

    /// Whether `range` is one or more ASCII digits.
    func isDigits(_ range: Range<Int>) -> Bool {
        !range.isEmpty && range.allSatisfy { self[$0].isDigit }
    }

    /// Whether `range` could be an IPv4/IPv6 address: hex digits, dots, colons.
    func looksLikeAddress(_ range: Range<Int>) -> Bool {
        !range.isEmpty && range.allSatisfy { self[$0].isHexDigit || self[$0] == .dot || self[$0] == .colon }
    }

    /// Whether `range` is a decimal number such as an epoch time `1716199200.123`.
    func looksLikeEpoch(_ range: Range<Int>) -> Bool {
        !range.isEmpty && self[range.lowerBound].isDigit && range.allSatisfy { self[$0].isDigit || self[$0] == .dot }
    }
}

/// Space-separated tokens of a byte range, one at a time.
struct Tokens {
    let line: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    init(_ line: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        self.line = line
        position = from
        end = to
    }

    mutating func next() -> Range<Int>? {
        position = line.skipSpaces(from: position, to: end)
        guard position < end else { return nil }
        let start = position
        while position < end, line[position] != .space, line[position] != .tab { position += 1 }
        return start..<position
    }
}

/// Fields of a byte range split on one separator byte; empty fields count.
struct Fields {
    let line: UnsafeBufferPointer<UInt8>
    var position: Int?
    let end: Int
    let separator: UInt8

    init(_ line: UnsafeBufferPointer<UInt8>, from: Int, to: Int, separator: UInt8) {
        self.line = line
        position = from
        end = to
        self.separator = separator
    }

    mutating func next() -> Range<Int>? {
        guard let start = position else { return nil }
        if let stop = line.firstIndex(of: separator, from: start, to: end) {
            position = stop + 1
            return start..<stop
        }
        position = nil
        return start..<end
    }
}

/// Which column of a columnar log (Zeek, `tshark -T fields`) holds each field; nil: not in the log.
struct LogColumns {
    var time: Int?
    var client: Int?
    var name: Int?
    var qtype: Int?
    var response: Int?

    /// The fields of one line at those columns, and how many columns the line has.
    struct Picked {
        var time: Range<Int>?, client: Range<Int>?, name: Range<Int>?, qtype: Range<Int>?, response: Range<Int>?
        var count = 0
    }

    func pick(_ line: UnsafeBufferPointer<UInt8>, end: Int, separator: UInt8) -> Picked {
        var picked = Picked()
        var fields = Fields(line, from: 0, to: end, separator: separator)
        while let field = fields.next() {
            let column = picked.count
            if column == time { picked.time = field }
            if column == client { picked.client = field }
            if column == name { picked.name = field }
            if column == qtype { picked.qtype = field }
            if column == response { picked.response = field }
            picked.count += 1
        }
        return picked
    }
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let dot = UInt8(ascii: ".")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#")

    var isLineSpace: Bool { self == .newline || self == .carriageReturn || self == .space || self == .tab }
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    var isHexDigit: Bool { isDigit || ((self | 0x20) >= 0x61 && (self | 0x20) <= 0x66) }
}
