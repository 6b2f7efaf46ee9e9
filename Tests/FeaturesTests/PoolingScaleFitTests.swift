import DomainKit
import Features
import XCTest

/// `learned` pooling: its multipliers act per token kind, and the fit's shortcut (per-kind read-out
/// parts) scores names exactly as pooling them again would.
final class PoolingScaleFitTests: XCTestCase {
    let tokenizer = Tokenizer(suffixes: PublicSuffixList(text: "com\nnet\norg\nco.uk\n"))
    let names = ["ads1.adserver7.com", "cdn-static.images.net", "shop.example.co.uk", "x.org", "mail2.news-daily.com",
                 "tracker.metrics-api.net", "a.b.c.example.org", "video-cdn1.stream.com"]

    func pooling(_ weighting: PoolingWeights, _ scales: [Float]? = nil) -> AttentionPooling {
        AttentionPooling(tokenizer: tokenizer, embedding: HashedEmbedding(randomBucketBits: 12, dimension: 8, seed: 3),
                         frequencies: TokenFrequencies(bits: 8), weighting: weighting, kindScales: scales)
    }

    func pooled(_ p: AttentionPooling, _ name: String) -> [Float] {
        var out = [Float](repeating: 0, count: p.dimension), scratch = [Float](repeating: 0, count: p.scratchCount)
        var hashes: [UInt64] = []
        var bytes = name
        bytes.withUTF8 { b in out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { p.pool(b, hashes: &hashes, scratch: $0.baseAddress!, into: o.baseAddress!) } } }
        return out
    }

    func testUnitMultipliersAreTheFeaturesPooling() {
        for name in names { XCTAssertEqual(pooled(pooling(.learned), name), pooled(pooling(.features), name), name) }
    }

    func testAMultiplierMovesThePoolTowardItsKind() {
        var scales = AttentionPooling.unitScales
        scales[Int(TokenKind.suffix.rawValue)] = 1e5
        let heavy = pooled(pooling(.learned, scales), "ads1.adserver7.com"), plain = pooled(pooling(.features), "ads1.adserver7.com")
        let suffixOnly = pooled(pooling(.learned, scales.enumerated().map { $0.offset == Int(TokenKind.suffix.rawValue) ? 1 : 0 }), "ads1.adserver7.com")
        XCTAssertNotEqual(heavy, plain)
        for c in 0..<heavy.count { XCTAssertEqual(heavy[c], suffixOnly[c], accuracy: 0.01 * max(1, abs(suffixOnly[c]))) }
    }

    func testFitScoresNamesAsPoolingThemWould() {
        let classes = 3, d = 8
        var generator = SplitMix(seed: 9)
        let rows = (0..<classes * d).map { _ in generator.nextSignedUnit() }
        let readout = LinearProjection(inputDimension: d, outputDimension: classes, mean: .init(repeating: 0, count: d),
                                    components: rows, explainedVariance: .init(repeating: 0, count: classes))
        let labels = names.indices.map { Int32($0 % classes) }
        var fit = PoolingScaleFit(classes: classes)
        var hashes: [UInt64] = []
        for (name, label) in zip(names, labels) {
            fit.add(Domain(normalised: name), label: label, pooling: pooling(.learned), readout: readout, hashes: &hashes)
        }
        let trial: [Float] = [0.5, 2, 1, 4, 0.25, 1.5]
        var kindScales = AttentionPooling.unitScales
        for (k, kind) in PoolingScaleFit.kinds.enumerated() { kindScales[Int(kind.rawValue)] = trial[k] }
        var right = 0
        var logLikelihood = 0.0
        for (name, label) in zip(names, labels) {
            let v = pooled(pooling(.learned, kindScales), name)
            var scores = [Float](repeating: 0, count: classes)
            v.withUnsafeBufferPointer { x in scores.withUnsafeMutableBufferPointer { readout.project(x, into: $0) } }
            let top = scores.max()!
            if scores[Int(label)] == top { right += 1 }
            logLikelihood += Double(scores[Int(label)] - top - log(scores.reduce(0) { $0 + exp($1 - top) }))
        }
        let score = fit.score(trial)
        XCTAssertEqual(score.accuracy, Double(right) / Double(names.count), accuracy: 1e-9)
        XCTAssertEqual(score.logLikelihood, logLikelihood / Double(names.count), accuracy: 1e-4)
        let result = fit.fit()
        XCTAssertGreaterThanOrEqual(result.after, result.before)
        XCTAssertEqual(result.kindScales.count, AttentionPooling.unitScales.count)
    }
}
