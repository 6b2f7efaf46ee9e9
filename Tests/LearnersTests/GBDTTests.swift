import DomainKit
import XCTest
@testable import Learners

final class GBDTTests: XCTestCase {
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

    func predictions(_ model: GBDTModel, _ data: GBDTDataset) -> [Int32] {
        var p = [Float](repeating: 0, count: model.numClasses)
        return (0..<data.rows).map { r in
            data.features.withUnsafeBufferPointer { x in p.withUnsafeMutableBufferPointer { model.predictProbabilities(x.baseAddress! + r * data.columns, into: $0.baseAddress!) } }
            return Int32(p.indices.max { p[$0] < p[$1] }!)
        }
    }

    func logloss(_ model: GBDTModel, _ data: GBDTDataset) -> Double {
        var p = [Float](repeating: 0, count: model.numClasses)
        var total = 0.0
        for r in 0..<data.rows {
            data.features.withUnsafeBufferPointer { x in p.withUnsafeMutableBufferPointer { model.predictProbabilities(x.baseAddress! + r * data.columns, into: $0.baseAddress!) } }
            total -= log(max(Double(p[Int(data.labels[r])]), 1e-15))
        }
        return total / Double(data.rows)
    }

    func testFitsSeparableDataPerfectly() {
        let data = separableData(rows: 1500, seed: 1)
        var params = GBDTParams()
        params.rounds = 30
        params.numLeaves = 8
        params.minDataInLeaf = 5
        let model = GBDTModel.train(data, classes: 3, params: params)
        XCTAssertEqual(model.numClasses, 3)
        XCTAssertEqual(model.numFeatures, 4)
        XCTAssertEqual(model.treeCount, 90)
        XCTAssertEqual(zip(predictions(model, data), data.labels).filter { $0 != $1 }.count, 0)
        // Unseen rows from the same rule and grid fall on the same side of every threshold.
        let fresh = separableData(rows: 1000, seed: 99)
        XCTAssertEqual(zip(predictions(model, fresh), fresh.labels).filter { $0 != $1 }.count, 0)
    }

    /// Labels independent of the features: held-out loss must not be worse than predicting the priors.
    func testNoisyDataNoWorseThanConstantModel() {
        var numbers = Numbers(state: 5)
        func noise(_ rows: Int) -> GBDTDataset {
            var features: [Float] = [], labels: [Int32] = []
            for _ in 0..<rows {
                features += (0..<3).map { _ in numbers.uniform() }
                let u = numbers.uniform()
                labels.append(u < 0.5 ? 0 : (u < 0.8 ? 1 : 2))
            }
            return GBDTDataset(features: features, rows: rows, columns: 3, labels: labels)
        }
        let train = noise(4000), test = noise(4000), validation = noise(2000)
        var params = GBDTParams()
        params.rounds = 50
        params.minDataInLeaf = 50
        let model = GBDTModel.train(train, classes: 3, params: params, validation: validation)
        let constant = GBDTModel.train(train, classes: 3, params: { var p = params; p.rounds = 0; return p }())
        XCTAssertEqual(constant.treeCount, 0)
        XCTAssertLessThanOrEqual(logloss(model, test), logloss(constant, test) + 0.005)
        // Early stopping keeps whole rounds only.
        XCTAssertEqual(model.treeCount % 3, 0)
        XCTAssertLessThan(model.treeCount, 150)
    }

    func testContinuedBoostingLowersTrainingLoss() {
        let data = separableData(rows: 2000, seed: 3)
        var params = GBDTParams()
        params.rounds = 5
        params.learningRate = 0.05
        let first = GBDTModel.train(data, classes: 3, params: params)
        var reported: [Int] = []
        let continued = GBDTModel.train(data, classes: 3, params: params, initModel: first) { round, _ in reported.append(round) }
        XCTAssertEqual(reported, [1, 2, 3, 4, 5])
        XCTAssertEqual(continued.treeCount, 30)
        XCTAssertLessThan(logloss(continued, data), logloss(first, data) - 0.05)

        // A later batch may bring a new class: it joins with its own trees.
        var labels = data.labels
        for i in stride(from: 0, to: labels.count, by: 7) { labels[i] = 3 }
        let grown = GBDTModel.train(GBDTDataset(features: data.features, rows: data.rows, columns: 4, labels: labels),
                                    classes: 4, params: params, initModel: continued)
        XCTAssertEqual(grown.numClasses, 4)
        XCTAssertEqual(grown.treeCount, 30 + 20)
    }

    func testContinuedBoostingGrowsNoTreesForClassesAbsentFromTheBatch() {
        let data = separableData(rows: 1000, seed: 6)
        var params = GBDTParams()
        params.rounds = 4
        let first = GBDTModel.train(data, classes: 3, params: params)
        let kept = (0..<data.rows).filter { data.labels[$0] != 2 }
        let batch = GBDTDataset(features: kept.flatMap { data.features[$0 * 4..<($0 + 1) * 4] }, rows: kept.count, columns: 4,
                                labels: kept.map { data.labels[$0] })
        let continued = GBDTModel.train(batch, classes: 3, params: params, initModel: first)
        XCTAssertEqual(continued.treeCount, 12 + 4 * 2)
        XCTAssertFalse(continued.forest.treeClass[12...].contains(2))
    }

    func testContinuedBoostingOnFreshBatchMatchesInitModelStart() {
        // With zero new rounds the continued model predicts exactly like its init model.
        let data = separableData(rows: 500, seed: 4)
        var params = GBDTParams()
        params.rounds = 3
        params.minDataInLeaf = 5
        let first = GBDTModel.train(data, classes: 3, params: params)
        params.rounds = 0
        let same = GBDTModel.train(separableData(rows: 500, seed: 5), classes: 3, params: params, initModel: first)
        XCTAssertEqual(same.forest, first.forest)
        XCTAssertEqual(same.baseScores, first.baseScores)
    }

    func testBinEdgesSeparateDistinctValuesAndCapAtMaxBins() {
        XCTAssertEqual(BinMapper.edges(sortedValues: [1, 1, 2, 3, 3], maxBins: 255), [1.5, 2.5, .infinity])
        let many = (0..<10_000).map { Float($0) }
        let edges = BinMapper.edges(sortedValues: many, maxBins: 255)
        XCTAssertEqual(edges.count, 255)
        XCTAssertEqual(edges.last, .infinity)
        XCTAssertTrue(zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 })
        edges.withUnsafeBufferPointer { bounds in
            XCTAssertEqual(BinMapper.bin(-5, bounds: bounds), 0)
            XCTAssertEqual(BinMapper.bin(.nan, bounds: bounds), 0)
            XCTAssertEqual(BinMapper.bin(1e9, bounds: bounds), 254)
        }
    }

    /// Two threads and one build the same trees (row chunks only change summation order slightly).
    func testThreadCountsAgree() {
        let data = separableData(rows: 20_000, seed: 10)
        var params = GBDTParams()
        params.rounds = 5
        params.threads = 1
        let one = GBDTModel.train(data, classes: 3, params: params)
        params.threads = 2
        let two = GBDTModel.train(data, classes: 3, params: params)
        XCTAssertEqual(predictions(one, data), predictions(two, data))
        XCTAssertEqual(logloss(one, data), logloss(two, data), accuracy: 1e-4)
    }
}
