import XCTest
@testable import Learners
@testable import ModelStore

/// The trees' own byte format (`GBDTModel+Serialization`): exact round trips, and every damaged byte string refused.
final class GBDTModelSerializationTests: XCTestCase {
    /// Deterministic SplitMix stream for test data.
    struct Numbers {
        var state: UInt64
        mutating func uniform() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40) * 0x1p-24
        }
    }

    /// Three classes decided by thresholds on two of four features (the others are noise).
    /// Values lie on a grid of 1/200 so every distinct value gets its own bin.
    func separableData(rows: Int, seed: UInt64) -> GBDTDataset {
        var numbers = Numbers(state: seed)
        var features: [Float] = [], labels: [Int32] = []
        for _ in 0..<rows {
            let row = (0..<4).map { _ in (numbers.uniform() * 200).rounded(.down) / 200 }
            features += row
            labels.append(row[1] < 0.3 ? 0 : (row[3] < 0.6 ? 1 : 2))
        }
        return GBDTDataset(features: features, rows: rows, columns: 4, labels: labels)
    }

    func testSerializedModelPredictsBitIdentically() throws {
        let data = separableData(rows: 1000, seed: 6)
        var params = GBDTParams()
        params.rounds = 10
        params.threads = 1
        let model = GBDTModel.train(data, classes: 3, params: params)
        let bytes = model.serialized()
        let loaded = try GBDTModel(serialized: bytes)
        XCTAssertEqual(loaded.serialized(), bytes)
        XCTAssertEqual(loaded.treeCount, model.treeCount)
        var a = [Float](repeating: 0, count: 3), b = [Float](repeating: 0, count: 3)
        let probes = separableData(rows: 200, seed: 7).features + [.nan, -.infinity, .infinity, 0.5]
        probes.withUnsafeBufferPointer { x in
            for r in 0..<(probes.count / 4) {
                model.predictRaw(x.baseAddress! + r * 4, into: &a)
                loaded.predictRaw(x.baseAddress! + r * 4, into: &b)
                XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
            }
        }
    }

    func testCorruptBytesThrow() throws {
        var params = GBDTParams()
        params.rounds = 3
        let bytes = GBDTModel.train(separableData(rows: 300, seed: 8), classes: 3, params: params).serialized()

        XCTAssertThrowsError(try GBDTModel(serialized: [])) { XCTAssertEqual($0 as? GBDTModelError, .truncated) }
        XCTAssertThrowsError(try GBDTModel(serialized: Array("NOPE1234".utf8))) { XCTAssertEqual($0 as? GBDTModelError, .badMagic) }
        var future = bytes
        future[4] = 9
        XCTAssertThrowsError(try GBDTModel(serialized: future)) { XCTAssertEqual($0 as? GBDTModelError, .unsupportedVersion(9)) }
        // Every truncation and every single-byte flip is an error, never a crash.
        for length in stride(from: 0, to: bytes.count, by: 5) { XCTAssertThrowsError(try GBDTModel(serialized: Array(bytes[0..<length]))) }
        for i in stride(from: 8, to: bytes.count, by: 3) {
            var flipped = bytes
            flipped[i] ^= 0x5A
            XCTAssertThrowsError(try GBDTModel(serialized: flipped))
        }
    }

    /// Structure checks behind the checksum: a node pointing backwards (a cycle) is refused.
    func testStructurallyInvalidModelThrows() throws {
        var params = GBDTParams()
        params.rounds = 2
        params.minDataInLeaf = 5
        let model = GBDTModel.train(separableData(rows: 300, seed: 9), classes: 3, params: params)
        var forest = model.forest
        XCTAssertFalse(forest.nodes.isEmpty)
        forest.nodes[forest.nodes.count - 1].left = Int32(forest.nodes.count - 1)
        let cyclic = GBDTModel(numClasses: 3, binMapper: model.binMapper, baseScores: model.baseScores, forest: forest)
        XCTAssertThrowsError(try GBDTModel(serialized: cyclic.serialized())) { error in
            guard case .corrupt = error as? GBDTModelError else { return XCTFail("\(error)") }
        }
    }
}
