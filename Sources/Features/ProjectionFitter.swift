/// Which linear map turns pooled vectors into the few dimensions the trees see.
package enum ProjectionKind: String, Codable, Sendable, CaseIterable {
    /// Directions of largest variance (incremental PCA).
    case pca
    /// Fisher LDA: directions that maximise between-class over within-class scatter, so
    /// the kept dimensions are the ones that separate labels, not the loudest ones.
    case lda
}

/// Streams pooled rows and their labels once, then fits a PCA or an LDA projection.
/// Keeps only d + d² + classes·d numbers, never the rows.
package struct ProjectionFitter {
    package let dimension: Int
    var pca: IncrementalPCA
    /// Σ x xᵀ (Double, full d×d) and per-class sums and counts, for LDA's scatter matrices.
    var secondMoment: [Double]
    var classSums: [Double]
    var classCounts: [Double]
    let classes: Int

    package init(dimension: Int, classes: Int) {
        self.dimension = dimension
        self.classes = classes
        pca = IncrementalPCA(dimension: dimension)
        secondMoment = [Double](repeating: 0, count: dimension * dimension)
        classSums = [Double](repeating: 0, count: classes * dimension)
        classCounts = [Double](repeating: 0, count: classes)
    }

    /// Folds in `count` rows (row-major) with their labels.
    package mutating func add(rows: [Float], count: Int, labels: [Int32]) {
        pca.add(rows: rows, count: count)
        let d = dimension
        rows.withUnsafeBufferPointer { x in
            secondMoment.withUnsafeMutableBufferPointer { m in
                for r in 0..<count {
                    let row = x.baseAddress! + r * d
                    for i in 0..<d {
                        let xi = Double(row[i])
                        for j in i..<d { m[i * d + j] += xi * Double(row[j]) }
                    }
                }
            }
            for r in 0..<count where Int(labels[r]) < classes {
                let c = Int(labels[r])
                classCounts[c] += 1
                for j in 0..<d { classSums[c * d + j] += Double(x[r * d + j]) }
            }
        }
    }

    package func fit(_ kind: ProjectionKind, components: Int) -> LinearProjection {
        switch kind {
        case .pca: return pca.projection(components: components)
        case .lda: return lda(components: components)
        }
    }

    /// Whitens by the within-class scatter Sw (regularised), then takes the top eigenvectors of the
    /// whitened between-class scatter Sb: the generalised problem Sb v = λ Sw v with symmetric solvers.
    func lda(components k: Int) -> LinearProjection {
        let d = dimension
        let n = classCounts.reduce(0, +)
        guard n > 1 else { return pca.projection(components: k) }
        var mean = [Double](repeating: 0, count: d)
        for c in 0..<classes { for j in 0..<d { mean[j] += classSums[c * d + j] } }
        for j in 0..<d { mean[j] /= n }
        var sb = [Double](repeating: 0, count: d * d)
        var classMeanOuter = [Double](repeating: 0, count: d * d)  // Σ_c n_c μ_c μ_cᵀ
        for c in 0..<classes where classCounts[c] > 0 {
            let nc = classCounts[c]
            for i in 0..<d {
                let mi = classSums[c * d + i] / nc
                for j in 0..<d {
                    let mj = classSums[c * d + j] / nc
                    classMeanOuter[i * d + j] += nc * mi * mj
                    sb[i * d + j] += nc * (mi - mean[i]) * (mj - mean[j])
                }
            }
        }
        var sw = [Double](repeating: 0, count: d * d)
        var trace = 0.0
        for i in 0..<d {
            for j in 0..<d {
                let m = i <= j ? secondMoment[i * d + j] : secondMoment[j * d + i]
                sw[i * d + j] = (m - classMeanOuter[i * d + j]) / n
            }
            trace += sw[i * d + i]
        }
        for i in 0..<d { sw[i * d + i] += 1e-3 * max(trace / Double(d), 1e-12) }
        let (values, vectors) = SymmetricEigen.decompose(sw, n: d)
        // W = V Λ^-1/2, columns whitening directions.
        var w = [Double](repeating: 0, count: d * d)
        for c in 0..<d {
            let s = 1 / max(values[c], 1e-12).squareRoot()
            for r in 0..<d { w[r * d + c] = vectors[c][r] * s }
        }
        // M = Wᵀ Sb W.
        var sbw = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { var s = 0.0; for t in 0..<d { s += sb[i * d + t] * w[t * d + j] }; sbw[i * d + j] = s } }
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { var s = 0.0; for t in 0..<d { s += w[t * d + i] * sbw[t * d + j] }; m[i * d + j] = s } }
        let (lambdas, u) = SymmetricEigen.decompose(m, n: d)
        let kept = max(0, min(k, d))
        var components = [Float]()
        components.reserveCapacity(kept * d)
        for c in 0..<kept {
            for r in 0..<d {
                var s = 0.0
                for t in 0..<d { s += w[r * d + t] * u[c][t] }
                components.append(Float(s))
            }
        }
        return LinearProjection(inputDimension: d, outputDimension: kept, mean: mean.map { Float($0) },
                             components: components, explainedVariance: lambdas.prefix(kept).map { Float(max($0, 0)) })
    }
}
