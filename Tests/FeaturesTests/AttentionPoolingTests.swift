import DomainKit
import Features
import XCTest

/// A token table given by hand: each word token's text → its vector (the bias row is the empty token).
final class TextTable: TokenEmbedding, @unchecked Sendable {
    let dimension: Int
    let rows: [String: [Float]]
    init(_ rows: [String: [Float]]) {
        self.rows = rows
        dimension = rows.first!.value.count
    }
    func tokenVector(_ token: UnsafeBufferPointer<UInt8>, hashes: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<Float>) {
        let text = token.baseAddress == nil ? "" : String(decoding: token, as: UTF8.self)
        let row = rows[text] ?? [Float](repeating: 0, count: dimension)
        for c in 0..<dimension { out[c] = row[c] }
    }
}

/// Attention pooling over a known table: the pooled vector is the hand-computed weighted mean, and the
/// weights `--explain` shows are the ones pooling uses, normalised to 1.
final class AttentionPoolingTests: XCTestCase {
    let tokenizer = Tokenizer(suffixes: PublicSuffixList(text: "com\nco.uk\n"))
    // Word tokens of x.ab.com: name, registrable, suffix, then the labels left to right.
    let table = TextTable([
        "x.ab.com": [1, 0, 0], "ab.com": [0, 1, 0], "com": [0, 0, 1], "x": [2, 0, 0], "ab": [0, 2, 0], "": [0, 0, 6],
    ])

    func pooling(_ weighting: PoolingWeights, frequencies: TokenFrequencies = TokenFrequencies(bits: 16), scales: [Float]? = nil) -> AttentionPooling {
        AttentionPooling(tokenizer: tokenizer, embedding: table, frequencies: frequencies, weighting: weighting, kindScales: scales)
    }

    func pooled(_ p: AttentionPooling, _ name: String) -> [Float] {
        var out = [Float](repeating: .nan, count: p.dimension), scratch = [Float](repeating: 0, count: p.scratchCount)
        var hashes: [UInt64] = []
        var bytes = name
        bytes.withUTF8 { b in
            out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { p.pool(b, hashes: &hashes, scratch: $0.baseAddress!, into: o.baseAddress!) } }
        }
        return out
    }

    func assertClose(_ got: [Float], _ expected: [Float], _ context: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, context, file: file, line: line)
        for (a, b) in zip(got, expected) { XCTAssertEqual(a, b, accuracy: 1e-6, context, file: file, line: line) }
    }

    func testTheWordTokensAreTheOnesTheREADMEDescribes() {
        XCTAssertEqual(tokenizer.words(Domain(normalised: "x.ab.com")).map(\.text), ["x.ab.com", "ab.com", "com", "x", "ab"])
        XCTAssertEqual(tokenizer.words(Domain(normalised: "x.ab.com")).map(\.kind), [.name, .registrable, .suffix, .label, .label])
    }

    func testUnseenTokensPoolToThePlainMean() {
        // No counts: every inverse-frequency weight is 1/(1+0); no bias row.
        assertClose(pooled(pooling(.inverseFrequency), "x.ab.com"), [3.0 / 5, 3.0 / 5, 1.0 / 5])
    }

    func testInverseFrequencyWeighsCommonTokensDown() {
        var frequencies = TokenFrequencies(bits: 16)
        var scratch: [UInt64] = []
        frequencies.add(Domain(normalised: "x.ab.com"), tokenizer: tokenizer, scratch: &scratch)
        frequencies.add(Domain(normalised: "q.com"), tokenizer: tokenizer, scratch: &scratch)
        // Counts: com 2, every other token of x.ab.com 1 → weights 1/3 and 1/2, total 4·½ + ⅓ = 7/3.
        let p = pooling(.inverseFrequency, frequencies: frequencies)
        assertClose(pooled(p, "x.ab.com"), [4.5 / 7, 4.5 / 7, 1.0 / 7])
        let weights = p.weights(Domain(normalised: "x.ab.com"))
        XCTAssertEqual(weights.map(\.token), ["x.ab.com", "ab.com", "com", "x", "ab"])
        let expected: [Float] = [3.0 / 14, 3.0 / 14, 1.0 / 7, 3.0 / 14, 3.0 / 14]
        assertClose(weights.map(\.weight), expected)
        XCTAssertEqual(weights.map(\.weight).reduce(0, +), 1, accuracy: 1e-6)
    }

    func testFeaturesWeightingCountsRowsAndAddsTheBias() {
        // Rows read: 1 each for name, registrable and suffix; label x: x + "<x>" = 2; label ab: ab + "<ab", "ab>", "<ab>" = 4;
        // plus the bias row with weight 1. (1·e1 + 1·e2 + 1·e3 + 2·2e1 + 4·2e2 + 1·6e3) / 10.
        let p = pooling(.features)
        assertClose(pooled(p, "x.ab.com"), [0.5, 0.9, 0.7])
        // The explained weights are the word tokens' only, normalised among themselves: 1,1,1,2,4 of 9.
        let weights = p.weights(Domain(normalised: "x.ab.com"))
        let expected: [Float] = [1.0 / 9, 1.0 / 9, 1.0 / 9, 2.0 / 9, 4.0 / 9]
        assertClose(weights.map(\.weight), expected)
    }

    func testKindScalesMultiplyTheirKindsWeight() {
        var scales = AttentionPooling.unitScales
        scales[Int(TokenKind.label.rawValue)] = 0
        scales[Int(TokenKind.bias.rawValue)] = 2
        // Without the labels: (e1 + e2 + e3 + 2·6e3) / (3 + 2).
        assertClose(pooled(pooling(.learned, scales: scales), "x.ab.com"), [0.2, 0.2, 2.6])
        assertClose(pooled(pooling(.learned), "x.ab.com"), pooled(pooling(.features), "x.ab.com"), "unit scales are the features pooling")
    }

    func testWeightsSumToOneAndFollowTokenOrderOnAnyName() {
        var frequencies = TokenFrequencies(bits: 12)
        var scratch: [UInt64] = []
        let names = ["mail2.google-ads.co.uk", "a.b.c.d.example.com", "x.com", "com", "co.uk", "very-long-label-with-parts-2024.ab12cd.com"]
        for name in names { frequencies.add(Domain(normalised: name), tokenizer: tokenizer, scratch: &scratch) }
        for weighting in PoolingWeights.allCases {
            let p = pooling(weighting, frequencies: frequencies)
            for name in names {
                let domain = Domain(normalised: name)
                let weights = p.weights(domain)
                XCTAssertEqual(weights.map(\.token), tokenizer.words(domain).map(\.text), "\(weighting) \(name)")
                XCTAssertEqual(weights.map(\.weight).reduce(0, +), 1, accuracy: 1e-5, "\(weighting) \(name)")
                XCTAssertTrue(weights.allSatisfy { $0.weight > 0 }, "\(weighting) \(name)")
            }
        }
    }

    func testPoolingIsDeterministicAndKeepsNoStateBetweenNames() {
        let p = AttentionPooling(tokenizer: tokenizer, embedding: HashedEmbedding(randomBucketBits: 10, dimension: 8, seed: 1),
                                 frequencies: TokenFrequencies(bits: 10), weighting: .features)
        var out = [Float](repeating: 0, count: 8), scratch = [Float](repeating: 0, count: p.scratchCount)
        var hashes: [UInt64] = []
        func pool(_ name: String) -> [Float] {
            var bytes = name
            bytes.withUTF8 { b in out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { p.pool(b, hashes: &hashes, scratch: $0.baseAddress!, into: o.baseAddress!) } } }
            return out
        }
        let first = pool("ads1.adserver7.com")
        let other = pool("mail2.google-ads.co.uk")
        XCTAssertNotEqual(first, other)
        XCTAssertEqual(pool("ads1.adserver7.com"), first, "reused scratch and hashes change nothing")
        XCTAssertEqual(pooled(p, "ads1.adserver7.com"), first, "fresh buffers agree")
        XCTAssertEqual(p.dimension, 8)
        XCTAssertEqual(p.scratchCount, 8)
    }

    func testAnEmptyNamePoolsToZero() {
        XCTAssertEqual(pooled(pooling(.inverseFrequency), ""), [0, 0, 0])
        // `features` still pools the bias row alone.
        assertClose(pooled(pooling(.features), ""), [0, 0, 6])
    }

    func testTokenFrequenciesRoundTripTheirBytes() throws {
        var frequencies = TokenFrequencies(bits: 16)
        var scratch: [UInt64] = []
        for _ in 0..<3 { frequencies.add(Domain(normalised: "x.ab.com"), tokenizer: tokenizer, scratch: &scratch) }
        var hashes: [UInt64] = []
        var com = "com"
        com.withUTF8 { tokenizer.tokenHashes(.suffix, $0, into: &hashes) }
        XCTAssertEqual(frequencies.count(hashes[0]), 3)
        XCTAssertEqual(frequencies.counts.reduce(0, +), 15, "5 word tokens × 3")
        XCTAssertEqual(frequencies.bytes().count, 4 << 16)
        let back = try XCTUnwrap(TokenFrequencies(bytes: frequencies.bytes(), bits: 16))
        XCTAssertEqual(back, frequencies)
        XCTAssertNil(TokenFrequencies(bytes: frequencies.bytes(), bits: 15))
        XCTAssertNil(TokenFrequencies(bytes: Array(frequencies.bytes().dropLast()), bits: 16))
    }
}
