@testable import DomainKit
import XCTest

/// publicsuffix.org's checkPublicSuffix cases, run against a small inline list and the Debian file.
final class PublicSuffixListTests: XCTestCase {
    /// The rules the official test cases rely on, in the file format (comments, sections, CRLF,
    /// trailing text after a rule, Unicode rules).
    static let rulesText = """
    // ===BEGIN ICANN DOMAINS===
    ac
    biz
    com

    // mm : wildcard only
    *.mm
    jp
    ac.jp
    kyoto.jp
    ide.kyoto.jp
    *.kobe.jp
    !city.kobe.jp
    *.ck
    !www.ck\r
    us
    ak.us
    k12.ak.us   this text after whitespace is ignored
    cn
    com.cn
    公司.cn
    中国
    // ===END ICANN DOMAINS===
    // ===BEGIN PRIVATE DOMAINS===
    uk.com
    // ===END PRIVATE DOMAINS===
    """

    /// (input, expected registrable name) from publicsuffix.org's tests; nil: no registrable name.
    static let officialCases: [(String, String?)] = [
        // Mixed case.
        ("COM", nil), ("example.COM", "example.com"), ("WwW.example.COM", "example.com"),
        // Leading dot.
        (".com", nil), (".example", nil), (".example.com", nil), (".example.example", nil),
        // Unlisted TLD.
        ("example", nil), ("example.example", "example.example"), ("b.example.example", "example.example"),
        ("a.b.example.example", "example.example"),
        // TLD with only 1 rule.
        ("biz", nil), ("domain.biz", "domain.biz"), ("b.domain.biz", "domain.biz"), ("a.b.domain.biz", "domain.biz"),
        // TLD with some 2-level rules.
        ("com", nil), ("example.com", "example.com"), ("b.example.com", "example.com"),
        ("a.b.example.com", "example.com"), ("uk.com", nil), ("example.uk.com", "example.uk.com"),
        ("b.example.uk.com", "example.uk.com"), ("a.b.example.uk.com", "example.uk.com"), ("test.ac", "test.ac"),
        // TLD with only 1 (wildcard) rule.
        ("mm", nil), ("c.mm", nil), ("b.c.mm", "b.c.mm"), ("a.b.c.mm", "b.c.mm"),
        // More complex TLD.
        ("jp", nil), ("test.jp", "test.jp"), ("www.test.jp", "test.jp"), ("ac.jp", nil), ("test.ac.jp", "test.ac.jp"),
        ("www.test.ac.jp", "test.ac.jp"), ("kyoto.jp", nil), ("test.kyoto.jp", "test.kyoto.jp"), ("ide.kyoto.jp", nil),
        ("b.ide.kyoto.jp", "b.ide.kyoto.jp"), ("a.b.ide.kyoto.jp", "b.ide.kyoto.jp"), ("c.kobe.jp", nil),
        ("b.c.kobe.jp", "b.c.kobe.jp"), ("a.b.c.kobe.jp", "b.c.kobe.jp"), ("city.kobe.jp", "city.kobe.jp"),
        ("www.city.kobe.jp", "city.kobe.jp"),
        // TLD with a wildcard rule and exceptions.
        ("ck", nil), ("test.ck", nil), ("b.test.ck", "b.test.ck"), ("a.b.test.ck", "b.test.ck"),
        ("www.ck", "www.ck"), ("www.www.ck", "www.ck"),
        // US K12.
        ("us", nil), ("test.us", "test.us"), ("www.test.us", "test.us"), ("ak.us", nil),
        ("test.ak.us", "test.ak.us"), ("www.test.ak.us", "test.ak.us"), ("k12.ak.us", nil),
        ("test.k12.ak.us", "test.k12.ak.us"), ("www.test.k12.ak.us", "test.k12.ak.us"),
        // IDN labels.
        ("食狮.com.cn", "食狮.com.cn"), ("食狮.公司.cn", "食狮.公司.cn"), ("www.食狮.公司.cn", "食狮.公司.cn"),
        ("shishi.公司.cn", "shishi.公司.cn"), ("公司.cn", nil), ("食狮.中国", "食狮.中国"),
        ("www.食狮.中国", "食狮.中国"), ("shishi.中国", "shishi.中国"), ("中国", nil),
        // Same as above, but punycoded.
        ("xn--85x722f.com.cn", "xn--85x722f.com.cn"), ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
        ("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"), ("xn--55qx5d.cn", nil),
        ("xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"), ("www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"),
        ("shishi.xn--fiqs8s", "shishi.xn--fiqs8s"), ("xn--fiqs8s", nil),
    ]

    /// The official checkPublicSuffix: names with empty labels have no registrable name, names
    /// are looked up in their ASCII form and answered in the form they came in.
    static func checkPublicSuffix(_ list: PublicSuffixList, _ input: String) -> String? {
        guard let ascii = IDNA.toASCII(input), !ascii.split(separator: ".", omittingEmptySubsequences: false)
            .contains(where: \.isEmpty)
        else { return nil }
        guard let registrable = list.registrableDomain(ascii) else { return nil }
        return input.unicodeScalars.allSatisfy(\.isASCII) ? registrable : IDNA.toUnicode(registrable)
    }

    func runOfficialCases(_ list: PublicSuffixList, file: StaticString = #filePath, line: UInt = #line) {
        for (input, expected) in Self.officialCases {
            XCTAssertEqual(Self.checkPublicSuffix(list, input), expected, input, file: file, line: line)
        }
    }

    func testOfficialCasesWithInlineRules() {
        let list = PublicSuffixList(text: Self.rulesText)
        XCTAssertEqual(list.ruleCount, 20)
        runOfficialCases(list)
    }

    func testOfficialCasesWithDebianList() throws {
        guard FileManager.default.fileExists(atPath: PublicSuffixList.debianPath) else {
            throw XCTSkip("\(PublicSuffixList.debianPath) absent (apt-get install publicsuffix)")
        }
        let list = try PublicSuffixList()
        runOfficialCases(list)
        XCTAssertNotNil(PublicSuffixList.shared)
    }

    func testDebianListLoadsEveryRule() throws {
        guard let text = try? String(contentsOfFile: PublicSuffixList.debianPath, encoding: .utf8) else {
            throw XCTSkip("\(PublicSuffixList.debianPath) absent (apt-get install publicsuffix)")
        }
        let ruleLines = text.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("//") }
        XCTAssertGreaterThan(ruleLines.count, 5000)
        XCTAssertEqual(try PublicSuffixList().ruleCount, ruleLines.count, "every rule converts to ASCII")
    }

    func testDebianListKnowsPrivateAndIDNRules() throws {
        guard let list = PublicSuffixList.shared else { throw XCTSkip("Debian publicsuffix absent") }
        XCTAssertEqual(list.registrableDomain("foo.bar.github.io"), "bar.github.io")
        XCTAssertEqual(list.registrableDomain("www.bbc.co.uk"), "bbc.co.uk")
        XCTAssertEqual(list.registrableDomain("a.b.s3.amazonaws.com"), "b.s3.amazonaws.com")
        XCTAssertEqual(list.registrableDomain("xn--bcher-kva.de"), "xn--bcher-kva.de")
        XCTAssertEqual(list.registrableDomain("www.xn--fiqs8s"), "www.xn--fiqs8s")
        XCTAssertNil(list.registrableDomain("xn--55qx5d.cn"))
    }

    func testSplitGivesAllThreeParts() {
        let list = PublicSuffixList(text: Self.rulesText)
        XCTAssertEqual(list.split("a.b.example.uk.com"),
                       DomainParts(subdomain: "a.b", registrable: "example.uk.com", suffix: "uk.com"))
        XCTAssertEqual(list.split("example.com"), DomainParts(subdomain: nil, registrable: "example.com", suffix: "com"))
        XCTAssertEqual(list.split("uk.com"), DomainParts(subdomain: nil, registrable: nil, suffix: "uk.com"))
        XCTAssertEqual(list.split("com"), DomainParts(subdomain: nil, registrable: nil, suffix: "com"))
        XCTAssertEqual(list.split("x.www.ck"), DomainParts(subdomain: "x", registrable: "www.ck", suffix: "ck"))
        XCTAssertEqual(list.split("a.b.test.ck"), DomainParts(subdomain: "a", registrable: "b.test.ck", suffix: "test.ck"))
        XCTAssertEqual(list.split("host.example.example"),
                       DomainParts(subdomain: "host", registrable: "example.example", suffix: "example"))
        XCTAssertEqual(list.split(""), DomainParts(subdomain: nil, registrable: nil, suffix: ""))
    }

    func testSplitSlicesLongerStrings() {
        let list = PublicSuffixList(text: Self.rulesText)
        let line = "query: www.test.k12.ak.us IN A"
        let name = line.split(separator: " ")[1]
        let parts = list.split(name)
        XCTAssertEqual(parts, DomainParts(subdomain: "www", registrable: "test.k12.ak.us", suffix: "k12.ak.us"))
        XCTAssertEqual(parts.registrable.map { line.distance(from: line.startIndex, to: $0.startIndex) }, 11)
    }

    func testSuffixLabelCountOnBytes() {
        let list = PublicSuffixList(text: Self.rulesText)
        let cases: [(String, Int)] = [
            ("com", 1), ("example.com", 1), ("a.b.example.uk.com", 2), ("zz", 1), ("a.b.c.kobe.jp", 3),
            ("city.kobe.jp", 2), ("www.city.kobe.jp", 2), ("b.ide.kyoto.jp", 3), ("x.y.z.unknown", 1), ("", 1),
        ]
        for (name, expected) in cases {
            let count = Array(name.utf8).withUnsafeBufferPointer { list.suffixLabelCount($0) }
            XCTAssertEqual(count, expected, name)
        }
    }

    func testLoadErrors() throws {
        XCTAssertThrowsError(try PublicSuffixList(path: "/nonexistent/public_suffix_list.dat")) { error in
            guard case PublicSuffixListError.unreadable(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/public_suffix_list.dat")
        }
        let commentsOnly = FileManager.default.temporaryDirectory.appendingPathComponent("psl-\(getpid()).dat")
        try "// nothing but comments\n\n".write(to: commentsOnly, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: commentsOnly) }
        XCTAssertThrowsError(try PublicSuffixList(path: commentsOnly.path)) { error in
            guard case PublicSuffixListError.empty = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("no rules"))
        }
    }
}
