import DomainKit
import FuzzSupport

/// Any bytes as a name field, checked against what `Domain` promises: a parsed name is lower-case LDH (and `_`)
/// within RFC 1035's lengths, parsing it again gives it back, and so does parsing its Unicode spelling. As
/// UTF-8 text the bytes also go through Punycode (decode → encode → decode gives the same scalars; any
/// scalars encode and decode back) and IDNA.
enum FuzzNames {
    static let suffixes = FuzzMain.need(PublicSuffixList.shared, "no public suffix list at \(PublicSuffixList.debianPath)")
    static let tokenizer = Tokenizer(suffixes: suffixes)

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        let parsed = DomainParser.parse(input)
        switch parsed {
        case let .domain(domain): checkDomain(domain)
        case let .ipAddress(ip): precondition(DomainParser.parse(ip) == parsed, "IP \(ip) does not parse as itself")
        case .root, .invalid: break
        }
        guard let text = String(validating: input, as: UTF8.self) else { return }
        checkPunycode(text)
        if let ascii = IDNA.toASCII(text) { precondition(ascii.utf8.allSatisfy { $0 < 0x80 }, "IDNA.toASCII gave non-ASCII \(ascii)") }
    }

    static func checkDomain(_ domain: Domain) {
        let name = domain.name
        let bytes = Array(name.utf8)
        precondition((1...DomainParser.maxNameLength).contains(bytes.count), "name of \(bytes.count) bytes: \(name)")
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            precondition((1...DomainParser.maxLabelLength).contains(label.count), "label of \(label.count) bytes in \(name)")
            precondition(label.allSatisfy(isNormalisedByte), "byte outside a-z 0-9 - _ in \(name)")
        }
        precondition(DomainParser.parse(name) == .domain(domain), "\(name) does not parse as itself")
        let unicode = IDNA.toUnicode(name)
        precondition(DomainParser.parse(unicode) == .domain(domain), "the Unicode spelling \(unicode) of \(name) parses otherwise")
        // What every model does next with a name.
        _ = suffixes.split(Substring(name))
        _ = tokenizer.words(domain)
        var hashes: [UInt64] = []
        tokenizer.featureHashes(domain, into: &hashes)
    }

    static func checkPunycode(_ text: String) {
        if let decoded = Punycode.decode(Substring(text)) {
            guard let encoded = Punycode.encode(decoded) else { preconditionFailure("\(text) decodes but does not encode back") }
            precondition(Punycode.decode(Substring(encoded)) == decoded, "\(text): decode(encode(decode)) differs")
        }
        let scalars = Array(text.unicodeScalars)
        if let encoded = Punycode.encode(scalars) {
            precondition(Punycode.decode(Substring(encoded)) == scalars, "\(text): decode(encode) differs")
        }
    }

    static func isNormalisedByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }
}
