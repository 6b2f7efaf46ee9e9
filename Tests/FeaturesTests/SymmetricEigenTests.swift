import DomainKit
import XCTest
@testable import Features

final class SymmetricEigenTests: XCTestCase {
    /// Random symmetric matrices of several sizes: A·v = λ·v, unit orthogonal vectors, λ descending.
    func testRandomSymmetricMatrices() {
        var generator = TestGenerator(seed: 42)
        for n in [1, 2, 3, 5, 8, 17, 40, 64] {
            var a = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in i..<n {
                    let x = generator.uniform() * 2 - 1
                    a[i * n + j] = x
                    a[j * n + i] = x
                }
            }
            let (values, vectors) = SymmetricEigen.decompose(a, n: n)
            XCTAssertEqual(values.count, n)
            XCTAssertEqual(vectors.count, n)
            for i in 1..<max(n, 1) { XCTAssertGreaterThanOrEqual(values[i - 1], values[i]) }
            for k in 0..<n {
                for i in 0..<n {
                    var av = 0.0
                    for j in 0..<n { av += a[i * n + j] * vectors[k][j] }
                    XCTAssertEqual(av, values[k] * vectors[k][i], accuracy: 1e-10, "n=\(n) eigenpair \(k) row \(i)")
                }
                for m in 0..<n {
                    let dot = zip(vectors[k], vectors[m]).reduce(0) { $0 + $1.0 * $1.1 }
                    XCTAssertEqual(dot, k == m ? 1 : 0, accuracy: 1e-10, "n=\(n) vectors \(k)·\(m)")
                }
            }
            // The trace is the sum of the eigenvalues.
            let trace = (0..<n).reduce(0) { $0 + a[$1 * n + $1] }
            XCTAssertEqual(values.reduce(0, +), trace, accuracy: 1e-10)
        }
    }

    /// Repeated eigenvalues and an already diagonal matrix (the zero-scale branches).
    func testDegenerateMatrices() {
        let identity = [1.0, 0, 0, 0, 1, 0, 0, 0, 1]
        let (values, vectors) = SymmetricEigen.decompose(identity, n: 3)
        XCTAssertEqual(values, [1, 1, 1])
        for k in 0..<3 { XCTAssertEqual(vectors[k].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12) }

        let diagonal = [2.0, 0, 0, 0, -3, 0, 0, 0, 7]
        let result = SymmetricEigen.decompose(diagonal, n: 3)
        XCTAssertEqual(result.values, [7, 2, -3])
        XCTAssertEqual(result.vectors[0], [0, 0, 1])
        XCTAssertEqual(result.vectors[2], [0, 1, 0])

        XCTAssertTrue(SymmetricEigen.decompose([], n: 0).values.isEmpty)
        XCTAssertEqual(SymmetricEigen.decompose([0, 0, 0, 0], n: 2).values, [0, 0])
    }

    func testKnownTwoByTwo() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 along (1, 1)/√2 and (1, −1)/√2.
        let (values, vectors) = SymmetricEigen.decompose([2, 1, 1, 2], n: 2)
        XCTAssertEqual(values[0], 3, accuracy: 1e-12)
        XCTAssertEqual(values[1], 1, accuracy: 1e-12)
        let s = 0.5.squareRoot()
        XCTAssertEqual(vectors[0][0], s, accuracy: 1e-12)
        XCTAssertEqual(vectors[0][1], s, accuracy: 1e-12)
        XCTAssertEqual(abs(vectors[1][0]), s, accuracy: 1e-12)
        XCTAssertEqual(vectors[1][0], -vectors[1][1], accuracy: 1e-12)
    }
}

/// SplitMix, so the tests draw the same numbers on every run.
struct TestGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
