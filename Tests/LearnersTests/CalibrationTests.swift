import Features
import XCTest
@testable import Learners

final class CalibrationTests: XCTestCase {
    /// Worked by hand: bins are (0, 1/15], …, (14/15, 1]. Four names at p 0.95 (3 right) fall in the last
    /// bin: |0.75 − 0.95| = 0.2; two at p 0.5 (1 right) in bin 7 (0.4667, 0.5333]: |0.5 − 0.5| = 0.
    /// ECE = 4/6 · 0.2 + 2/6 · 0 = 0.13333.
    func testExpectedCalibrationErrorByHand() {
        let r = Reliability(confidences: [0.95, 0.95, 0.95, 0.95, 0.5, 0.5], correct: [true, true, true, false, true, false])
        XCTAssertEqual(r.bins.count, 15)
        XCTAssertEqual(r.expectedCalibrationError, 0.4 / 3, accuracy: 1e-6)
        XCTAssertEqual(r.bins[14].count, 4)
        XCTAssertEqual(r.bins[14].accuracy, 0.75, accuracy: 1e-9)
        XCTAssertEqual(r.bins[7].count, 2)
        XCTAssertEqual(r.bins.map(\.count).reduce(0, +), 6)
    }

    func testEdgesFallInTheirBins() {
        let r = Reliability(confidences: [0, 1, 0.06, 0.07], correct: [false, true, true, true])
        XCTAssertEqual(r.bins[0].count, 2, "0 and 0.06 go to the first bin, (0, 1/15]")
        XCTAssertEqual(r.bins[1].count, 1)
        XCTAssertEqual(r.bins[14].count, 1)
    }

    /// Labels drawn from softmax(z / 2): the fitted temperature comes back near 2, and scaling by it lowers
    /// the ECE of the same draws.
    func testTemperatureIsRecoveredFromSampledLabels() {
        var state: UInt64 = 42
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        let classes = 5, rows = 4000, trueT: Float = 2
        var logits: [Float] = [], labels: [Int32] = []
        for _ in 0..<rows {
            let z = (0..<classes).map { _ in uniform() * 8 - 4 }
            var p = z.map { $0 / trueT }
            p.withUnsafeMutableBufferPointer { Softmax.normalise($0) }
            var u = uniform(), label = classes - 1
            for (c, pc) in p.enumerated() { if u < pc { label = c; break }; u -= pc }
            logits += z
            labels.append(Int32(label))
        }
        let t = TemperatureScaling.fit(logits: logits, labels: labels, classes: classes)
        XCTAssertEqual(t, trueT, accuracy: 0.2)

        func ece(_ temperature: Float) -> Double {
            var confidences: [Float] = [], correct: [Bool] = []
            for r in 0..<rows {
                var p = Array(logits[r * classes..<(r + 1) * classes])
                p.withUnsafeMutableBufferPointer { Softmax.normalise($0, temperature: temperature) }
                let best = p.indices.max { p[$0] < p[$1] }!
                confidences.append(p[best]); correct.append(best == Int(labels[r]))
            }
            return Reliability(confidences: confidences, correct: correct).expectedCalibrationError
        }
        XCTAssertLessThan(ece(t), ece(1))
        XCTAssertLessThan(ece(t), 0.03)
    }

    func testUnknownLabelsAreSkippedAndDegenerateInputKeepsOne() {
        XCTAssertEqual(TemperatureScaling.fit(logits: [], labels: [], classes: 3), 1)
        XCTAssertEqual(TemperatureScaling.fit(logits: [1, 2], labels: [-1], classes: 2), 1)
    }
}

final class IsotonicCalibrationTests: XCTestCase {
    /// A model that says 0.9 but is right half the time, and says 0.3 and is right 30%: the map sends 0.9 to
    /// 0.5 and 0.3 to 0.3, and answers between the two blocks are interpolated.
    func testTopOneMapLearnsTheShareRight() {
        var confidences: [Float] = [], correct: [Bool] = []
        for i in 0..<1000 { confidences.append(0.3); correct.append(i % 10 < 3) }
        for i in 0..<1000 { confidences.append(0.9); correct.append(i % 2 == 0) }
        let map = Calibration.isotonic(confidences: confidences, correct: correct)
        let c = Calibration(confidence: map.confidence, accuracy: map.accuracy)
        XCTAssertEqual(c.map(0.3), 0.3, accuracy: 0.02)
        XCTAssertEqual(c.map(0.9), 0.5, accuracy: 0.02)
        XCTAssertEqual(c.map(0.6), 0.4, accuracy: 0.03)
        XCTAssertTrue(zip(map.accuracy, map.accuracy.dropFirst()).allSatisfy { $0 <= $1 }, "monotone")
    }

    func testAdjustKeepsTheSumAndTheOrder() {
        let c = Calibration(confidence: [0.2, 0.9], accuracy: [0.2, 0.6])
        var top = [LabelScore(label: 3, probability: 0.9), LabelScore(label: 1, probability: 0.08), LabelScore(label: 2, probability: 0.02)]
        c.adjust(&top)
        XCTAssertEqual(top.map(\.label), [3, 1, 2])
        XCTAssertEqual(top[0].probability, 0.6, accuracy: 1e-5)
        XCTAssertEqual(top.map(\.probability).reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertTrue(top[1].probability <= top[0].probability)
    }

    func testTooFewNamesGiveNoMap() {
        XCTAssertTrue(Calibration.isotonic(confidences: [0.5, 0.6], correct: [true, false]).confidence.isEmpty)
    }
}

final class UnknownThresholdTests: XCTestCase {
    /// By hand: sorted by p, 0.9 ✓, 0.8 ✓, 0.7 ✗, 0.6 ✓, 0.5 ✗ — precision at or above each: 1, 1, 0.67, 0.75, 0.6.
    func testLowestProbabilityThatKeepsThePrecision() {
        let p: [Float] = [0.5, 0.9, 0.7, 0.6, 0.8], right = [false, true, false, true, true]
        XCTAssertEqual(Calibration.threshold(precision: 0.9, confidences: p, correct: right), 0.8)
        XCTAssertEqual(Calibration.threshold(precision: 0.75, confidences: p, correct: right), 0.6)
        XCTAssertEqual(Calibration.threshold(precision: 0.5, confidences: p, correct: right), 0.5)
        XCTAssertEqual(Calibration.threshold(precision: 0.9, confidences: [0.4], correct: [false]), 1, "none is right enough")
        // Ties stand or fall together: two answers at 0.7, one wrong.
        XCTAssertEqual(Calibration.threshold(precision: 0.9, confidences: [0.7, 0.7], correct: [true, false]), 1)
    }
}
