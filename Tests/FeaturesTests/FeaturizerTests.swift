import DomainKit
import Features
import XCTest

/// domain → pooled vector → (read-out →) projection ⧺ selected shape features, checked on a table given by hand.
final class FeaturizerTests: XCTestCase {
    let tokenizer = Tokenizer(suffixes: PublicSuffixList(text: "com\nco.uk\n"))
    // The table of AttentionPoolingTests: x.ab.com pools (features weighting, bias row included) to [0.5, 0.9, 0.7].
    let table = TextTable([
        "x.ab.com": [1, 0, 0], "ab.com": [0, 1, 0], "com": [0, 0, 1], "x": [2, 0, 0], "ab": [0, 2, 0], "": [0, 0, 6],
    ])
    var pooling: AttentionPooling { AttentionPooling(tokenizer: tokenizer, embedding: table, frequencies: TokenFrequencies(bits: 8), weighting: .features) }

    static func identity(_ n: Int) -> LinearProjection {
        var components = [Float](repeating: 0, count: n * n)
        for i in 0..<n { components[i * n + i] = 1 }
        return LinearProjection(inputDimension: n, outputDimension: n, mean: .init(repeating: 0, count: n), components: components,
                                explainedVariance: .init(repeating: 1, count: n))
    }

    func features(_ f: Featurizer, _ name: String) -> [Float] {
        var out = [Float](repeating: .nan, count: f.width), scratch = [Float](repeating: .nan, count: f.scratchCount)
        var hashes: [UInt64] = []
        var bytes = name
        bytes.withUTF8 { b in
            out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { f.features(b, hashes: &hashes, scratch: $0.baseAddress!, into: o.baseAddress!) } }
        }
        return out
    }

    func shape(_ name: String) -> [Float] {
        var out = [Float](repeating: .nan, count: ShapeFeatures.count)
        var bytes = name
        bytes.withUTF8 { b in out.withUnsafeMutableBufferPointer { Featurizer.shapeValues(b, suffixes: tokenizer.suffixes, into: $0.baseAddress!) } }
        return out
    }

    func testIdentityProjectionGivesThePooledVectorThenTheChosenShapeValues() {
        let f = Featurizer(pooling: pooling, projection: Self.identity(3), shapeSelection: [1, 0, 5])
        XCTAssertEqual(f.width, 6)
        XCTAssertEqual(f.projectedInput, 3)
        XCTAssertEqual(f.columnNames, ["pc1", "pc2", "pc3", "labels", "length", "hyphens"])
        let row = features(f, "x.ab.com")
        for (a, b) in zip(row[0..<3], [Float(0.5), 0.9, 0.7]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(Array(row[3...]), [3, 8, 0], "3 labels, 8 bytes, no hyphen")
        let all = shape("x.ab.com")
        XCTAssertEqual(Array(row[3...]), [all[1], all[0], all[5]])
    }

    func testProjectionSubtractsTheMeanAndTakesTheDotProduct() {
        // out = [1, 1, 0]·(v − [0.5, 0, 0]) and [0, −2, 1]·(v − mean) for v = [0.5, 0.9, 0.7].
        let projection = LinearProjection(inputDimension: 3, outputDimension: 2, mean: [0.5, 0, 0], components: [1, 1, 0, 0, -2, 1],
                                          explainedVariance: [2, 1])
        let f = Featurizer(pooling: pooling, projection: projection, shapeSelection: [])
        XCTAssertEqual(f.width, 2)
        XCTAssertEqual(f.columnNames, ["pc1", "pc2"])
        let row = features(f, "x.ab.com")
        XCTAssertEqual(row[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(row[1], -1.1, accuracy: 1e-6)
    }

    func testReadoutIsSoftmaxedBeforeTheProjection() {
        // Read-out scores [0.5, 0.9] → softmax → [1/(1+e^0.4), e^0.4/(1+e^0.4)].
        let readout = LinearProjection(inputDimension: 3, outputDimension: 2, mean: [0, 0, 0], components: [1, 0, 0, 0, 1, 0], explainedVariance: [0, 0])
        let f = Featurizer(pooling: pooling, readout: readout, projection: Self.identity(2), shapeSelection: [3])
        XCTAssertEqual(f.projectedInput, 2)
        XCTAssertEqual(f.width, 3)
        XCTAssertEqual(f.scratchCount, 2 * 3 + 2 + ShapeFeatures.count)
        XCTAssertEqual(f.columnNames, ["pc1", "pc2", "entropy"])
        let row = features(f, "x.ab.com")
        let e = Float(exp(0.4))
        XCTAssertEqual(row[0], 1 / (1 + e), accuracy: 1e-6)
        XCTAssertEqual(row[1], e / (1 + e), accuracy: 1e-6)
        XCTAssertEqual(row[0] + row[1], 1, accuracy: 1e-6)
        XCTAssertEqual(row[2], shape("x.ab.com")[3])
    }

    func testNoProjectedDimensionsLeavesTheShapeColumnsOnly() {
        let none = LinearProjection(inputDimension: 3, outputDimension: 0, mean: [0, 0, 0], components: [], explainedVariance: [])
        let f = Featurizer(pooling: pooling, projection: none, shapeSelection: Array(0..<ShapeFeatures.count))
        XCTAssertEqual(f.width, ShapeFeatures.count)
        XCTAssertEqual(f.columnNames, ShapeFeatures.names)
        for name in ["x.ab.com", "mail2.google-ads.co.uk", "a-b_c.d9f3.com"] { XCTAssertEqual(features(f, name), shape(name), name) }
    }

    func testFeaturesAreDeterministicAndIndependentOfTheNameBefore() {
        let pooling = AttentionPooling(tokenizer: tokenizer, embedding: HashedEmbedding(randomBucketBits: 10, dimension: 6, seed: 2),
                                       frequencies: TokenFrequencies(bits: 10))
        let f = Featurizer(pooling: pooling, projection: Self.identity(6), shapeSelection: [0, 2, 3])
        var out = [Float](repeating: 0, count: f.width), scratch = [Float](repeating: 0, count: f.scratchCount)
        var hashes: [UInt64] = []
        func run(_ name: String) -> [Float] {
            var bytes = name
            bytes.withUTF8 { b in out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { f.features(b, hashes: &hashes, scratch: $0.baseAddress!, into: o.baseAddress!) } } }
            return out
        }
        let names = ["ads1.adserver7.com", "mail2.google-ads.co.uk", "x.com", "tracker-0042.metrics.com"]
        let first = names.map(run)
        let again = names.reversed().map(run).reversed()
        XCTAssertEqual(first, Array(again))
        XCTAssertEqual(first, names.map { features(f, $0) })
        XCTAssertEqual(Set(first.map { $0.map(\.bitPattern) }).count, names.count, "different names, different rows")
        XCTAssertTrue(first.allSatisfy { $0.allSatisfy(\.isFinite) })
    }
}
