import Foundation
import DomainKit
import XCTest

final class DomainParserTests: XCTestCase {
    func name(_ s: String) -> String? {
        if case let .domain(d) = DomainParser.parse(s) { return d.name }
        return nil
    }

    func testNormalisesCaseTrailingDotAndSpace() {
        XCTAssertEqual(name("  WWW.Example.COM. \r"), "www.example.com")
        XCTAssertEqual(name("_sip._tcp.example.com"), "_sip._tcp.example.com")
    }

    func testURLGivesItsHost() {
        XCTAssertEqual(name("https://a.b/c"), "a.b")
        XCTAssertEqual(name("http://user:pw@Host.Example.org:8080/x?y#z"), "host.example.org")
        XCTAssertEqual(name("example.com/ads.js"), "example.com")
        XCTAssertEqual(DomainParser.parse("http://[2001:db8::1]:443/"), .ipAddress("2001:db8::1"))
    }

    func testIPLiteralsAreReportedNotClassified() {
        XCTAssertEqual(DomainParser.parse("192.168.0.1"), .ipAddress("192.168.0.1"))
        XCTAssertEqual(DomainParser.parse("::1"), .ipAddress("::1"))
        XCTAssertEqual(DomainParser.parse("[2001:DB8:0::1]"), .ipAddress("2001:db8::1"))
        // Not a valid dotted quad: a (numeric) name, still not an IP.
        XCTAssertNotEqual(DomainParser.parse("999.1.1.1"), .ipAddress("999.1.1.1"))
    }

    func testLengthRules() {
        let label63 = String(repeating: "a", count: 63)
        XCTAssertEqual(name("\(label63).com"), "\(label63).com")
        XCTAssertEqual(DomainParser.parse("\(label63)a.com"), .invalid(.labelTooLong))
        let long = Array(repeating: "abcdefghi", count: 26).joined(separator: ".")  // 259 bytes
        XCTAssertEqual(DomainParser.parse(long), .invalid(.nameTooLong))
    }

    func testBadInput() {
        XCTAssertEqual(DomainParser.parse(""), .invalid(.empty))
        XCTAssertEqual(DomainParser.parse("   \t "), .invalid(.empty))
        XCTAssertEqual(DomainParser.parse("a..b"), .invalid(.emptyLabel))
        XCTAssertEqual(DomainParser.parse(".."), .invalid(.emptyLabel))
        XCTAssertEqual(DomainParser.parse("not a domain"), .invalid(.badCharacter))
        XCTAssertEqual(DomainParser.parse("a\u{0}b.com"), .invalid(.badCharacter))
        let invalidUTF8: [UInt8] = [0x61, 0xFF, 0xFE, 0x2E, 0x63, 0x6F, 0x6D]
        XCTAssertEqual(invalidUTF8.withUnsafeBufferPointer { DomainParser.parse($0) }, .invalid(.badUTF8))
        let huge = [UInt8](repeating: 0x61, count: 1 << 20)
        XCTAssertEqual(huge.withUnsafeBufferPointer { DomainParser.parse($0) }, .invalid(.nameTooLong))
    }

    /// "empty label" read like a missing class label beside one in a training file.
    func testMessagesSayWhichPartOfTheNameIsWrong() {
        XCTAssertEqual(NameError.emptyLabel.description, "empty DNS label in name")
        XCTAssertEqual(NameError.empty.description, "missing name")
    }

    /// A query for the root zone is no error: it is marked, as IP literals are.
    func testTheRootIsNamedNotAnError() {
        XCTAssertEqual(DomainParser.parse("."), .root)
        XCTAssertEqual(DomainParser.parse(" <Root> "), .root)
        XCTAssertEqual(DomainParser.parse(".."), .invalid(.emptyLabel))
    }

    /// One comment rule: `#` at the start or after whitespace starts a comment; inside a bare name it is an
    /// error; in a URL it starts the fragment.
    func testCommentRule() {
        XCTAssertEqual(name("ads.example.com # comment"), "ads.example.com")
        XCTAssertEqual(name("ads.example.com\t#comment"), "ads.example.com")
        XCTAssertEqual(DomainParser.parse("# just a comment"), .invalid(.empty))
        XCTAssertEqual(DomainParser.parse("example.com#foo"), .invalid(.badCharacter))
        XCTAssertEqual(name("https://example.com#foo"), "example.com")
        XCTAssertEqual(name("https://example.com/page#foo"), "example.com")
    }

    /// Found while writing the fuzz harness (issue 14): a long non-ASCII field reached Punycode, quadratic in a
    /// label's length, before any length check; one line of 20,000 distinct CJK characters took seconds in a
    /// release build (minutes in debug). Longer than any name can come from, it is refused at once.
    func testLongUnicodeFieldIsRefusedBeforeIDNA() {
        let field = String(String.UnicodeScalarView((0..<20_000).compactMap { Unicode.Scalar(0x4E00 + $0) }))
        let start = Date()
        XCTAssertEqual(DomainParser.parse(field), .invalid(.nameTooLong))
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "quadratic work on a field that cannot be a name")
        // A short one is still a name.
        guard case let .domain(short) = DomainParser.parse(String(field.prefix(10)) + ".cn") else { return XCTFail("10 CJK characters") }
        XCTAssertTrue(short.name.hasPrefix("xn--"), short.name)
    }

    func testUnicodeAndPunycodeGiveOneKey() throws {
        guard let unicode = name("Bücher.de") else { throw XCTSkip("IDNA unavailable") }
        XCTAssertEqual(unicode, "xn--bcher-kva.de")
        XCTAssertEqual(name("XN--BCHER-KVA.DE."), "xn--bcher-kva.de")
    }
}
