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

final class NameNgramTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\n")

    func hashes(_ name: String, _ config: TokenizerConfig) -> [UInt64] {
        var out: [UInt64] = []
        Tokenizer(suffixes: suffixes, config: config).featureHashes(Domain(normalised: name), into: &out)
        return out
    }

    /// `<ab.com>` is 8 characters: 7 bigrams and 6 trigrams, the ones across the dot among them.
    func testWholeNameNgramsSpanTheDots() {
        var plain = TokenizerConfig()
        plain.labelNgrams = false
        var named = plain
        named.nameNgrams = NgramLengths(min: 2, max: 3)
        let without = hashes("ab.com", plain), with = hashes("ab.com", named)
        XCTAssertEqual(with.count - without.count, 13)
        XCTAssertEqual(Array(with.prefix(without.count)), without)
        // The same name n-grams whatever the subdomain's www: `www.ab.com` is tokenised as `ab.com`.
        named.ignoresLeadingWWW = true
        XCTAssertEqual(hashes("www.ab.com", named), hashes("ab.com", named))
        // A label n-gram and the same n-gram inside the whole name are one feature (one seed).
        var labelOnly = TokenizerConfig(minn: 2, maxn: 2)
        labelOnly.labelNgrams = true
        XCTAssertFalse(Set(hashes("ab.com", labelOnly)).isDisjoint(with: Set(with.suffix(13))))
    }
}
