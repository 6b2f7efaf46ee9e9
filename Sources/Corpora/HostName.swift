/// Turns the raw bytes of a host found in a filter list into the corpus key:
/// lower-case, no trailing dot, no leading `www.`, RFC 1035 lengths, at least
/// two labels, and a top-level label that starts with a letter (which rules out
/// IP literals and partial prefixes such as `||142.91.159.`).
enum HostName {
    static let maxLength = 253
    static let maxLabelLength = 63

    /// The normalised host, or nil when the bytes are not a usable hostname.
    static func normalised(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var end = raw.count
        if end > 0, raw[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard end > 0, end <= maxLength else { return nil }

        var bytes = [UInt8]()
        bytes.reserveCapacity(end)
        var labelCount = 0
        var labelStart = 0
        for index in 0...end {
            let atEnd = index == end
            let byte = atEnd ? UInt8(ascii: ".") : lowerCased(raw[index])
            if byte == UInt8(ascii: ".") {
                guard isValidLabel(bytes[labelStart...]) else { return nil }
                labelCount += 1
                if atEnd { break }
                bytes.append(byte)
                labelStart = bytes.count
                continue
            }
            guard isHostByte(byte) else { return nil }
            bytes.append(byte)
        }
        guard labelCount >= 2, isTopLevelLabel(bytes[labelStart...]) else { return nil }

        let www: [UInt8] = Array("www.".utf8)
        if labelCount >= 3, bytes.starts(with: www) { bytes.removeFirst(www.count) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Bytes allowed inside a label: `[a-z0-9-_]` after lower-casing.
    static func isHostByte(_ byte: UInt8) -> Bool { byteClass[Int(byte)] == .label }

    /// Bytes that may appear in a hostname as written in a list, any case.
    static func isWrittenHostByte(_ byte: UInt8) -> Bool { byteClass[Int(byte)] != .other }

    static func lowerCased(_ byte: UInt8) -> UInt8 {
        byteClass[Int(byte)] == .upper ? byte | 0x20 : byte
    }

    private enum ByteClass { case label, upper, dot, other }

    /// One lookup per byte: lists are megabytes, and the table is as quick in
    /// debug builds as in release ones.
    private static let byteClass: [ByteClass] = (0...255).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            return .label
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return .upper
        case UInt8(ascii: "."):
            return .dot
        default:
            return .other
        }
    }

    private static func isValidLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard let first = label.first, let last = label.last, label.count <= maxLabelLength else { return false }
        return first != UInt8(ascii: "-") && last != UInt8(ascii: "-")
    }

    /// A top-level label is a letter followed by letters, digits or hyphens (`xn--p1ai`).
    private static func isTopLevelLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard let first = label.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return !label.contains(UInt8(ascii: "_"))
    }
}
