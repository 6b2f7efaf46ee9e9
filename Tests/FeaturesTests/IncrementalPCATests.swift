import XCTest
@testable import Features

final class IncrementalPCATests: XCTestCase {
    /// Data drawn with a covariance Q·diag(σ²)·Qᵀ for a known rotation Q: the components must be
    /// Q's columns (up to sign) and the explained variances σ², within sampling error.
    func testRecoversKnownDecomposition() {
        let d = 4
        // Orthonormal basis: a Householder reflection I − 2uuᵀ of u = (1, 2, 3, 4)/√30.
        let u = [1.0, 2, 3, 4].map { $0 / 30.0.squareRoot() }
        var q = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)  // q[k] = k-th basis vector
        for k in 0..<d { for j in 0..<d { q[k][j] = (k == j ? 1 : 0) - 2 * u[k] * u[j] } }
        let sigma = [5.0, 3.0, 1.5, 0.5]
        let mean = [10.0, -2, 0.5, 3]

        var generator = TestGenerator(seed: 7)
        var pca = IncrementalPCA(dimension: d)
        let rowsPerBatch = 10_000
        for batch in 0..<6 {
            var rows = [Float]()
            for _ in 0..<rowsPerBatch {
                let z = sigma.map { $0 * generator.normal() }
                for j in 0..<d { rows.append(Float(mean[j] + (0..<d).reduce(0) { $0 + z[$1] * q[$1][j] })) }
            }
            if batch % 2 == 0 {
                pca.add(rows: rows, count: rowsPerBatch)
            } else {
                rows.withUnsafeBufferPointer { all in
                    for r in 0..<rowsPerBatch { pca.add(UnsafeBufferPointer(rebasing: all[(r * d)..<((r + 1) * d)])) }
                }
            }
        }
        XCTAssertEqual(pca.count, 6 * rowsPerBatch)

        let projection = pca.projection(components: 3)
        XCTAssertEqual(projection.outputDimension, 3)
        XCTAssertEqual(projection.components.count, 3 * d)
        for j in 0..<d { XCTAssertEqual(Double(projection.mean[j]), mean[j], accuracy: 0.1) }
        for k in 0..<3 {
            XCTAssertEqual(Double(projection.explainedVariance[k]), sigma[k] * sigma[k], accuracy: sigma[k] * sigma[k] * 0.05)
            let component = projection.components[(k * d)..<((k + 1) * d)].map { Double($0) }
            let alignment = abs(zip(component, q[k]).reduce(0) { $0 + $1.0 * $1.1 })
            XCTAssertEqual(alignment, 1, accuracy: 0.01, "component \(k)")
        }

        // Projecting the mean gives zeros; mean + σ·q₀ lands on the first axis.
        var out = [Float](repeating: .nan, count: 3)
        let shifted = (0..<d).map { Float(mean[$0] + 2 * q[0][$0]) }
        shifted.withUnsafeBufferPointer { row in out.withUnsafeMutableBufferPointer { projection.project(row, into: $0) } }
        XCTAssertEqual(abs(out[0]), 2, accuracy: 0.05)
        XCTAssertEqual(out[1], 0, accuracy: 0.05)
        XCTAssertEqual(out[2], 0, accuracy: 0.05)
    }

    /// Merging accumulators over parts equals one accumulator over all rows.
    func testMergeMatchesSinglePass() {
        let d = 3
        var generator = TestGenerator(seed: 3)
        let rows = (0..<(300 * d)).map { _ in Float(generator.normal() * 4 + 100) }
        var whole = IncrementalPCA(dimension: d)
        whole.add(rows: rows, count: 300)
        var left = IncrementalPCA(dimension: d), right = IncrementalPCA(dimension: d)
        left.add(rows: Array(rows[0..<(100 * d)]), count: 100)
        right.add(rows: Array(rows[(100 * d)...]), count: 200)
        left.merge(right)
        XCTAssertEqual(left.count, 300)
        let a = whole.projection(components: d), b = left.projection(components: d)
        for i in 0..<d {
            XCTAssertEqual(a.mean[i], b.mean[i], accuracy: 1e-4)
            XCTAssertEqual(a.explainedVariance[i], b.explainedVariance[i], accuracy: 1e-4 * a.explainedVariance[0])
        }
        for i in 0..<(d * d) { XCTAssertEqual(abs(a.components[i]), abs(b.components[i]), accuracy: 1e-3) }
    }

    func testCodableRoundTripAndShapeCheck() throws {
        var pca = IncrementalPCA(dimension: 2)
        pca.add(rows: [1, 2, 3, 5, 4, 4, 0, 1], count: 4)
        let projection = pca.projection(components: 1)
        let decoded = try JSONDecoder().decode(LinearProjection.self, from: JSONEncoder().encode(projection))
        XCTAssertEqual(decoded, projection)
        let restored = try JSONDecoder().decode(IncrementalPCA.self, from: JSONEncoder().encode(pca))
        XCTAssertEqual(restored.projection(components: 2), pca.projection(components: 2))

        let broken = #"{"inputDimension":3,"outputDimension":1,"mean":[0,0,0],"components":[1,0],"explainedVariance":[1]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(LinearProjection.self, from: Data(broken.utf8)))
    }
}
