import Foundation

/// A normalised domain name: lower-case ASCII (IDNs in punycode), no trailing dot,
/// RFC 1035 lengths checked. The Unicode and punycode spellings of a name give one key.
package struct Domain: Hashable, Sendable, CustomStringConvertible {
    package let name: String
    package var description: String { name }

    /// Trusted constructor for names already normalised (corpus files written by domcat).
    package init(normalised name: String) { self.name = name }
}

/// What a line's name field turned out to be. IP literals and non-names are reported, never classified.
package enum ParsedName: Sendable, Equatable {
    case domain(Domain)
    case ipAddress(String)
    /// `.` (or `<Root>`, as tshark writes it): a query for the root zone, which names no site.
    case root
    case invalid(NameError)
}

/// Said of a name, and read beside a class label in a training file: "empty label" would read as a
/// missing class, so the messages say which part of the name is wrong.
package enum NameError: String, Error, Sendable, CustomStringConvertible {
    case empty = "missing name"
    case emptyLabel = "empty DNS label in name"
    case labelTooLong = "label over 63 bytes"
    case nameTooLong = "name over 253 bytes"
    case badCharacter = "character not allowed in a name"
    case badUTF8 = "invalid UTF-8"
    case badIDN = "invalid internationalised name"
    package var description: String { rawValue }
}

package enum DomainParser {
    package static let maxNameLength = 253
    package static let maxLabelLength = 63

    /// Parses one name-like field: surrounding space, a trailing comment (`LineComment`), case, trailing dot,
    /// URLs (`https://host:port/path` → host), bracketed or bare IP literals, the root and Unicode names are all
    /// handled here so every caller agrees.
    package static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> ParsedName {
        var lo = 0, hi = LineComment.start(in: raw) ?? raw.count
        while lo < hi, isSpace(raw[lo]) { lo += 1 }
        while hi > lo, isSpace(raw[hi - 1]) { hi -= 1 }
        guard lo < hi else { return .invalid(.empty) }
        (lo, hi) = hostRange(raw, lo, hi)
        guard lo < hi else { return .invalid(.empty) }
        if isRoot(raw, lo, hi) { return .root }
        if raw[lo] == UInt8(ascii: "["), raw[hi - 1] == UInt8(ascii: "]") {
            return ipLiteral(raw, lo + 1, hi - 1).map { .ipAddress($0) } ?? .invalid(.badCharacter)
        }
        if raw[hi - 1] == UInt8(ascii: "."), hi - lo > 1 { hi -= 1 }
        if let ip = ipLiteral(raw, lo, hi) { return .ipAddress(ip) }

        var ascii = true
        for i in lo..<hi where raw[i] >= 0x80 { ascii = false; break }
        if ascii { return validateASCII(UnsafeBufferPointer(rebasing: raw[lo..<hi])) }
        // Each byte of the ASCII form comes from at most 16 bytes here (NFC composes at most 4 scalars of at
        // most 4 bytes into one, and Punycode writes at least a byte a scalar), so a longer field is no name:
        // refused before IDNA, whose Punycode is quadratic in a label's length (a 64 KiB line took seconds).
        guard hi - lo <= (maxNameLength + 1) * 16 else { return .invalid(.nameTooLong) }
        guard let text = String(validating: UnsafeBufferPointer(rebasing: raw[lo..<hi]), as: UTF8.self) else {
            return .invalid(.badUTF8)
        }
        guard var converted = IDNA.toASCII(text) else { return .invalid(.badIDN) }
        if converted.hasSuffix("."), converted.count > 1 { converted.removeLast() }
        return converted.withUTF8 { validateASCII($0) }
    }

    package static func parse(_ text: String) -> ParsedName {
        var s = text
        return s.withUTF8 { parse($0) }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == 0x0B || b == 0x0C
    }

    /// `.` or `<root>` in any case.
    static func isRoot(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Bool {
        if hi - lo == 1 { return raw[lo] == UInt8(ascii: ".") }
        return hi - lo == 6 && zip(raw[lo..<hi], "<root>".utf8).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }

    /// `scheme://user@host:port/path?q#f` → host. Anything without `://` is taken as a bare name,
    /// but a trailing `/path` or `?query` is still cut so `example.com/ads.js` classifies as example.com;
    /// a `#` only ends a URL's host (in a bare name it is no name character, and after a space a comment).
    static func hostRange(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (Int, Int) {
        var start = lo
        var i = lo
        while i + 2 < hi {
            if raw[i] == UInt8(ascii: ":"), raw[i + 1] == UInt8(ascii: "/"), raw[i + 2] == UInt8(ascii: "/") {
                start = i + 3
                break
            }
            let c = raw[i] | 0x20
            if !((c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || raw[i] == UInt8(ascii: "+")
                || raw[i] == UInt8(ascii: "-") || raw[i] == UInt8(ascii: ".")) { break }
            i += 1
        }
        let isURL = start != lo
        var end = hi
        for j in start..<hi where raw[j] == UInt8(ascii: "/") || raw[j] == UInt8(ascii: "?") || (isURL && raw[j] == UInt8(ascii: "#")) {
            end = j
            break
        }
        if isURL {
            for j in stride(from: end - 1, through: start, by: -1) where raw[j] == UInt8(ascii: "@") {
                start = j + 1
                break
            }
            // host:port, but not a bare IPv6 literal (several colons).
            if start < end, raw[start] == UInt8(ascii: "[") {
                for j in start..<end where raw[j] == UInt8(ascii: "]") { end = j + 1; break }
            } else {
                var colons = 0, last = -1
                for j in start..<end where raw[j] == UInt8(ascii: ":") { colons += 1; last = j }
                if colons == 1 { end = last }
            }
        }
        return (start, end)
    }

    /// IPv4 dotted quad or IPv6 text, in canonical text form; nil when not an IP literal.
    static func ipLiteral(_ raw: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> String? {
        guard hi > lo, hi - lo <= 45 else { return nil }
        var hasColon = false, onlyDigitsDots = true
        for i in lo..<hi {
            let b = raw[i]
            if b == UInt8(ascii: ":") { hasColon = true }
            if !(b == UInt8(ascii: ".") || (b >= 0x30 && b <= 0x39)) { onlyDigitsDots = false }
        }
        guard hasColon || onlyDigitsDots else { return nil }
        var text = [CChar](repeating: 0, count: hi - lo + 1)
        for i in lo..<hi { text[i - lo] = CChar(bitPattern: raw[i]) }
        var buffer = [UInt8](repeating: 0, count: 16)
        var out = [CChar](repeating: 0, count: 64)
        let family = hasColon ? AF_INET6 : AF_INET
        guard inet_pton(family, text, &buffer) == 1,
              inet_ntop(family, buffer, &out, socklen_t(out.count)) != nil else { return nil }
        return String(cString: out)
    }

    /// Lower-cases and checks an ASCII name; builds the String once.
    static func validateASCII(_ name: UnsafeBufferPointer<UInt8>) -> ParsedName {
        guard name.count > 0 else { return .invalid(.empty) }
        guard name.count <= maxNameLength else { return .invalid(.nameTooLong) }
        var labelLength = 0
        for b in name {
            if b == UInt8(ascii: ".") {
                if labelLength == 0 { return .invalid(.emptyLabel) }
                labelLength = 0
                continue
            }
            guard isNameByte(b) else { return .invalid(.badCharacter) }
            labelLength += 1
            if labelLength > maxLabelLength { return .invalid(.labelTooLong) }
        }
        if labelLength == 0 { return .invalid(.emptyLabel) }
        let lowered = String(unsafeUninitializedCapacity: name.count) { out in
            for (i, b) in name.enumerated() { out[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
            return name.count
        }
        if hasPunycodeLabel(name) {
            // A punycode label must decode, or it is not the name it claims to be.
            guard IDNA.toASCII(IDNA.toUnicode(lowered)) == lowered else { return .invalid(.badIDN) }
        }
        return .domain(Domain(normalised: lowered))
    }

    /// A label starting with `xn--` (any case), found on bytes: String.contains goes through Foundation.
    static func hasPunycodeLabel(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = 0
        while start + 4 <= name.count {
            if name[start] | 0x20 == UInt8(ascii: "x"), name[start + 1] | 0x20 == UInt8(ascii: "n"),
               name[start + 2] == UInt8(ascii: "-"), name[start + 3] == UInt8(ascii: "-") { return true }
            guard let dot = name[start...].firstIndex(of: UInt8(ascii: ".")) else { return false }
            start = dot + 1
        }
        return false
    }

    @inline(__always) static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }
}
