/// Reads `"key": value` pairs from one line of JSON without building it: a
/// single forward pass over the bytes reporting every key (at any depth) with
/// its scalar value, or the first element of an array value. Enough for the
/// flat-ish objects tshark and Zeek write, linear on any input, no allocation.
struct JSONFieldScanner {
    let line: UnsafeBufferPointer<UInt8>
    let end: Int

    /// Calls `body(key, value)` for each key; string ranges exclude the quotes.
    /// Returns false when a string is left open (a cut line).
    func forEachField(_ body: (_ key: Range<Int>, _ value: Range<Int>) -> Void) -> Bool {
        var index = 0
        while let open = line.firstIndex(of: .quote, from: index, to: end) {
            guard let close = closingQuote(after: open) else { return false }
            index = close + 1
            var cursor = skipWhitespace(from: index)
            guard cursor < end, line[cursor] == .colon else { continue }  // a string value, not a key
            cursor = skipWhitespace(from: cursor + 1)
            if cursor < end, line[cursor] == UInt8(ascii: "[") { cursor = skipWhitespace(from: cursor + 1) }
            guard cursor < end else { return true }
            if line[cursor] == .quote {
                guard let valueClose = closingQuote(after: cursor) else { return false }
                body((open + 1)..<close, (cursor + 1)..<valueClose)
                index = valueClose + 1
            } else if line[cursor] == UInt8(ascii: "{") || line[cursor] == UInt8(ascii: "]") {
                index = cursor + 1
            } else {
                var stop = cursor
                while stop < end, !Self.endsScalar(line[stop]) { stop += 1 }
                body((open + 1)..<close, cursor..<stop)
                index = stop
            }
        }
        return true
    }

    private func closingQuote(after open: Int) -> Int? {
        var index = open + 1
        while index < end {
            switch line[index] {
            case UInt8(ascii: "\\"): index += 2
            case .quote: return index
            default: index += 1
            }
        }
        return nil
    }

    private func skipWhitespace(from start: Int) -> Int {
        var index = start
        while index < end, line[index].isLineSpace { index += 1 }
        return index
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == .comma || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte.isLineSpace
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether a JSON line looks complete: `{` … `}` after trimming.
    func isCompleteJSONObject(_ content: Range<Int>) -> Bool {
        content.count >= 2 && self[content.lowerBound] == UInt8(ascii: "{") && self[content.upperBound - 1] == UInt8(ascii: "}")
    }
}
