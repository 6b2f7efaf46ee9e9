import DomainKit
import XCTest

final class IDNATests: XCTestCase {
    func testBothFormsGiveOneKey() {
        XCTAssertEqual(IDNA.toASCII("bücher.de"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toASCII("XN--BCHER-KVA.DE"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toASCII("BÜCHER.De"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toASCII("xn--bcher-kva.de"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toUnicode("xn--bcher-kva.de"), "bücher.de")
        XCTAssertEqual(IDNA.toUnicode("XN--BCHER-KVA.de"), "bücher.de")
    }

    func testNormalisesToNFC() {
        XCTAssertEqual(IDNA.toASCII("bu\u{0308}cher.de"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toASCII("BU\u{0308}CHER.DE"), "xn--bcher-kva.de")
    }

    func testMapsIdeographicAndFullwidthFullStops() {
        XCTAssertEqual(IDNA.toASCII("例え。テスト"), "xn--r8jz45g.xn--zckzah")
        XCTAssertEqual(IDNA.toASCII("例え．テスト"), "xn--r8jz45g.xn--zckzah")
        XCTAssertEqual(IDNA.toASCII("例え｡テスト"), "xn--r8jz45g.xn--zckzah")
        XCTAssertEqual(IDNA.toASCII("bücher。DE"), "xn--bcher-kva.de")
        XCTAssertEqual(IDNA.toUnicode("xn--r8jz45g.xn--zckzah"), "例え.テスト")
    }

    /// UTS #46 maps fullwidth ASCII to ASCII: `ｅxample.com` is example.com, not a punycoded name of its own.
    func testMapsFullwidthASCII() {
        XCTAssertEqual(IDNA.toASCII("ｅxample.com"), "example.com")
        XCTAssertEqual(IDNA.toASCII("ＥＸＡＭＰＬＥ．ｃｏｍ"), "example.com")
        XCTAssertEqual(IDNA.toASCII("ｂüｃｈｅｒ。ｄｅ"), "xn--bcher-kva.de")
        XCTAssertNil(IDNA.toASCII("ｅxample！.com"), "mapped to '!', which no label may hold")
        XCTAssertNil(IDNA.toASCII("xn--xample-hy68a.com"), "an A-label whose U-label the mapping would change is no genuine one")
        XCTAssertEqual(DomainParser.parse("ｅxample.com"), DomainParser.parse("example.com"))
    }

    func testChineseAndMixedLabels() {
        XCTAssertEqual(IDNA.toASCII("食狮.公司.cn"), "xn--85x722f.xn--55qx5d.cn")
        XCTAssertEqual(IDNA.toASCII("WWW.食狮.中国"), "www.xn--85x722f.xn--fiqs8s")
        XCTAssertEqual(IDNA.toUnicode("www.xn--85x722f.xn--fiqs8s"), "www.食狮.中国")
    }

    func testASCIINamesAreOnlyLowerCased() {
        XCTAssertEqual(IDNA.toASCII("WwW.Example.COM"), "www.example.com")
        XCTAssertEqual(IDNA.toASCII("_sip._tcp.Example.com"), "_sip._tcp.example.com")
        XCTAssertEqual(IDNA.toASCII("a-b.c0m"), "a-b.c0m")
        XCTAssertEqual(IDNA.toASCII("example.com."), "example.com.", "empty labels are the caller's business")
        XCTAssertEqual(IDNA.toUnicode("www.Example.com"), "www.Example.com")
    }

    func testUpperCaseALabelsAreCheckedAndLowerCased() {
        XCTAssertEqual(IDNA.toASCII("WWW.XN--85X722F.Xn--Fiqs8S"), "www.xn--85x722f.xn--fiqs8s")
        XCTAssertNil(IDNA.toASCII("WWW.XN--85X722.Xn--Fiqs8S"))
        XCTAssertNil(IDNA.toASCII("a.xn--abc.com"), "an A-label after the first label is checked too")
        XCTAssertEqual(IDNA.toASCII("axn--b.com"), "axn--b.com", "'xn--' inside a label is no prefix")
    }

    func testUnicodeThatLowerCasesToASCIIStaysASCII() {
        XCTAssertEqual(IDNA.toASCII("\u{212A}elvin.com"), "kelvin.com", "KELVIN SIGN lower-cases to 'k'")
        XCTAssertEqual(IDNA.toASCII("ex\u{212A}.xn--bcher-kva.de"), "exk.xn--bcher-kva.de")
    }

    func testEmojiNamesRoundTrip() {
        XCTAssertEqual(IDNA.toASCII("i❤.ws"), "xn--i-7iq.ws")
        XCTAssertEqual(IDNA.toASCII("xn--i-7iq.ws"), "xn--i-7iq.ws")
        XCTAssertEqual(IDNA.toUnicode("xn--ls8h.la"), "💩.la")
    }

    /// Every RFC 3492 sample that is a plausible label round-trips as a name (lower-cased).
    func testRFC3492SamplesRoundTripAsNames() {
        for sample in PunycodeTests.rfc3492Samples {
            let unicode = String(String.UnicodeScalarView(PunycodeTests.scalars(sample.scalars)))
            let ascii = IDNA.toASCII(unicode + ".example")
            switch sample.name.prefix(3) {
            case "(A)":
                XCTAssertNil(ascii, "U+061F ARABIC QUESTION MARK is punctuation")
            case "(S)":
                XCTAssertNil(ascii, "spaces, '$', '<' and '>' are not label characters")
            default:
                XCTAssertEqual(ascii, "xn--" + sample.encoded.lowercased() + ".example", sample.name)
                XCTAssertEqual(ascii.map(IDNA.toUnicode), unicode.lowercased() + ".example", sample.name)
            }
        }
    }

    func testRejectsLabelsThatCannotBeConverted() {
        XCTAssertNil(IDNA.toASCII("exa mple.com"), "space")
        XCTAssertNil(IDNA.toASCII("ex\tample.com"), "control")
        XCTAssertNil(IDNA.toASCII("ex\u{0}ample.com"), "NUL")
        XCTAssertNil(IDNA.toASCII("ex$ample.com"), "ASCII symbol")
        XCTAssertNil(IDNA.toASCII("a+b.com"), "ASCII symbol")
        XCTAssertNil(IDNA.toASCII("€uro.com"), "currency symbol")
        XCTAssertNil(IDNA.toASCII("a\u{00A0}b.com"), "no-break space")
        XCTAssertNil(IDNA.toASCII("a\u{2028}b.com"), "line separator")
        XCTAssertNil(IDNA.toASCII("a\u{E000}b.com"), "private use")
        XCTAssertNil(IDNA.toASCII("a\u{0378}b.com"), "unassigned")
        XCTAssertNil(IDNA.toASCII("bücher!.de"), "ASCII symbol next to a U-label")
    }

    func testRejectsBadALabels() {
        XCTAssertNil(IDNA.toASCII("xn--bcher-kv.de"), "truncated punycode")
        XCTAssertNil(IDNA.toASCII("xn--.de"), "empty punycode")
        XCTAssertNil(IDNA.toASCII("xn--abc-.de"), "decodes to ASCII only")
        XCTAssertNil(IDNA.toASCII("xn--abc.de"), "decodes to C1 controls")
        XCTAssertNil(IDNA.toASCII("xn--ber-ska.de"), "decodes to 'Über': not lower-case")
        XCTAssertNil(IDNA.toASCII("xn--wca.de"), "decodes to 'Ü': not lower-case")
        XCTAssertNil(IDNA.toASCII("xn--ib9b.de"), "decodes to a surrogate")
        XCTAssertEqual(IDNA.toUnicode("xn--bcher-kv.xn--ber-ska.de"), "xn--bcher-kv.xn--ber-ska.de")
    }
}
