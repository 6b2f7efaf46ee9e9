import DomainKit
import XCTest

final class TokenizerTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nuk\nco.uk\n")

    func testWordTokens() {
        let tokenizer = Tokenizer(suffixes: suffixes)
        let words = tokenizer.words(Domain(normalised: "mail2.google-ads.co.uk"))
        XCTAssertEqual(words.map(\.text), ["mail2.google-ads.co.uk", "google-ads.co.uk", "co.uk",
                                           "mail2", "mail", "2", "google-ads", "google", "ads"])
        XCTAssertEqual(words.map(\.kind), [.name, .registrable, .suffix, .label, .subToken, .subToken, .label, .subToken, .subToken])
    }

    func testSuffixOnlyName() {
        let words = Tokenizer(suffixes: suffixes).words(Domain(normalised: "co.uk"))
        XCTAssertEqual(words.map(\.text), ["co.uk", "co.uk"])
        XCTAssertEqual(words.map(\.kind), [.name, .suffix])
    }

    func testHashCountMatchesNgramFormula() {
        let tokenizer = Tokenizer(suffixes: suffixes, config: TokenizerConfig(minn: 2, maxn: 5))
        var hashes: [UInt64] = []
        tokenizer.featureHashes(Domain(normalised: "abc.com"), into: &hashes)
        // bias; the name, registrable and suffix words; the label "abc" and the 2…5-grams of "<abc>"
        // (5 chars → 4+3+2+1). Only labels get n-grams: the longer tokens' n-grams repeat them.
        XCTAssertEqual(hashes.count, 1 + 1 + 1 + 1 + (1 + 10))
        XCTAssertEqual(hashes[0], Tokenizer.biasHash)
        var again: [UInt64] = []
        tokenizer.featureHashes(Domain(normalised: "abc.com"), into: &again)
        XCTAssertEqual(hashes, again)
    }

    func testShapeFeatures() {
        var out = [Float](repeating: -1, count: ShapeFeatures.count)
        let name = Array("a1-b2.example.com".utf8)
        name.withUnsafeBufferPointer { bytes in
            out.withUnsafeMutableBufferPointer { ShapeFeatures.compute(bytes, suffixLabels: 1, into: $0) }
        }
        XCTAssertEqual(out[0], Float(name.count))
        XCTAssertEqual(out[1], 3)
        XCTAssertEqual(out[5], 1)
    }
}
