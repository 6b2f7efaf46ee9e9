import XCTest
import Features

final class ProjectionFoldingTests: XCTestCase {
    /// An appended input is read as its mixture of the earlier inputs: projecting x ⧺ y equals
    /// projecting x + Σ y_j·mixture_j, and rows without the new inputs project as before.
    func testAppendedInputsProjectAsTheirMixtures() {
        let base = LinearProjection(inputDimension: 3, outputDimension: 2, mean: [0.1, 0.2, 0.3],
                                 components: [1, 2, -1, 0.5, 0, 3], explainedVariance: [2, 1])
        let mixtures: [[Float]] = [[0.5, 0.25, 0.25], [0, 0, 1]]
        let wide = base.appendingInputs(asMixturesOf: mixtures)
        XCTAssertEqual(wide.inputDimension, 5)
        XCTAssertEqual(wide.outputDimension, 2)
        func project(_ p: LinearProjection, _ x: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: p.outputDimension)
            x.withUnsafeBufferPointer { row in out.withUnsafeMutableBufferPointer { p.project(row, into: $0) } }
            return out
        }
        let x: [Float] = [0.1, 0.3, 0.2], y: [Float] = [0.3, 0.1]
        var folded = x
        for (j, m) in mixtures.enumerated() { for i in 0..<3 { folded[i] += y[j] * m[i] } }
        for (a, b) in zip(project(wide, x + y), project(base, folded)) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (a, b) in zip(project(wide, x + [0, 0]), project(base, x)) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(base.appendingInputs(asMixturesOf: []), base)
    }
}
