import XCTest
@testable import Features

final class FeatureSelectionTests: XCTestCase {
    func testRanksInformativeColumnFirst() {
        // Column 0 follows the class, column 1 is noise, column 2 is constant.
        var generator = TestGenerator(seed: 11)
        var rows: [Float] = []
        var labels: [Int32] = []
        for i in 0..<600 {
            let label = Int32(i % 3)
            labels.append(label)
            rows.append(Float(Double(label) * 2 + generator.normal() * 0.5))
            rows.append(Float(generator.normal()))
            rows.append(7)
        }
        let scores = FeatureSelection.anovaF(rows, columns: 3, labels: labels, classes: 3)
        XCTAssertGreaterThan(scores[0], 100)
        XCTAssertLessThan(scores[1], 10)
        XCTAssertEqual(scores[2], 0)
        XCTAssertEqual(FeatureSelection.mostInformative(scores, count: 2), [0, 1])
    }

    /// Hand-computed case: classes {1, 2, 3} and {5, 6, 7}: SSB = 24, SSW = 4, F = (24/1)/(4/4) = 24.
    func testMatchesHandComputation() {
        let scores = FeatureSelection.anovaF([1, 2, 3, 5, 6, 7], columns: 1, labels: [0, 0, 0, 1, 1, 1], classes: 2)
        XCTAssertEqual(scores[0], 24, accuracy: 1e-12)
        let separated = FeatureSelection.anovaF([1, 1, 2, 2], columns: 1, labels: [0, 0, 1, 1], classes: 2)
        XCTAssertEqual(separated[0], .infinity)
    }
}
