/// Principal components from data seen once, batch after batch: only the running mean and the
/// co-moment matrix Σ(x−μ)(x−μ)ᵀ are kept (Double, d + d² numbers), never the rows.
///
/// Rows are folded in with Welford's update; whole batches, and other accumulators (one per
/// thread or per corpus shard), with Chan et al.'s pairwise merge, which is exact and stable.
package struct IncrementalPCA: Sendable, Codable {
    package let dimension: Int
    package private(set) var count: Int = 0
    private var mean: [Double]
    /// d×d row-major; only the upper triangle (j ≥ i) is maintained until `projection`.
    private var comoment: [Double]

    package init(dimension: Int) {
        precondition(dimension > 0, "IncrementalPCA: dimension must be positive")
        self.dimension = dimension
        mean = [Double](repeating: 0, count: dimension)
        comoment = [Double](repeating: 0, count: dimension * dimension)
    }

    /// Folds in one row (Welford).
    package mutating func add(_ row: UnsafeBufferPointer<Float>) {
        precondition(row.count == dimension, "IncrementalPCA: row width differs from dimension")
        let d = dimension
        count += 1
        let n = Double(count)
        let weight = (n - 1) / n
        withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { delta in
            mean.withUnsafeMutableBufferPointer { mu in
                for j in 0..<d {
                    let dj = Double(row[j]) - mu[j]
                    delta[j] = dj
                    mu[j] += dj / n
                }
            }
            comoment.withUnsafeMutableBufferPointer { m in
                for i in 0..<d {
                    let scaled = weight * delta[i]
                    for j in i..<d { m[i * d + j] += scaled * delta[j] }
                }
            }
        }
    }

    /// Folds in `count` rows stored row-major in `rows`: the batch's own mean and co-moment
    /// are computed first (centred, so no cancellation), then merged.
    package mutating func add(rows: [Float], count rowCount: Int) {
        precondition(rowCount >= 0 && rows.count == rowCount * dimension, "IncrementalPCA: rows must hold count × dimension values")
        if rowCount == 0 { return }
        var batch = IncrementalPCA(dimension: dimension)
        batch.accumulateBatch(rows, rowCount: rowCount)
        merge(batch)
    }

    /// Combines another accumulator over the same dimension (Chan's parallel formula).
    package mutating func merge(_ other: IncrementalPCA) {
        precondition(other.dimension == dimension, "IncrementalPCA: cannot merge different dimensions")
        if other.count == 0 { return }
        if count == 0 { self = other; return }
        let d = dimension
        let na = Double(count), nb = Double(other.count), n = na + nb
        let delta = (0..<d).map { other.mean[$0] - mean[$0] }
        let cross = na * nb / n
        for i in 0..<d {
            for j in i..<d { comoment[i * d + j] += other.comoment[i * d + j] + cross * delta[i] * delta[j] }
        }
        for j in 0..<d { mean[j] += delta[j] * nb / n }
        count += other.count
    }

    /// The top `k` principal components (k is clamped to `dimension`) of the sample covariance.
    package func projection(components k: Int) -> LinearProjection {
        let d = dimension
        let kept = max(0, min(k, d))
        var covariance = [Double](repeating: 0, count: d * d)
        if count > 1 {
            let scale = 1 / Double(count - 1)
            for i in 0..<d {
                for j in i..<d {
                    let value = comoment[i * d + j] * scale
                    covariance[i * d + j] = value
                    covariance[j * d + i] = value
                }
            }
        }
        let eigen = SymmetricEigen.decompose(covariance, n: d)
        var components = [Float]()
        components.reserveCapacity(kept * d)
        for c in 0..<kept { components.append(contentsOf: eigen.vectors[c].map { Float($0) }) }
        return LinearProjection(
            inputDimension: d, outputDimension: kept, mean: mean.map { Float($0) },
            components: components, explainedVariance: eigen.values.prefix(kept).map { Float(max($0, 0)) })
    }

    private enum CodingKeys: String, CodingKey { case dimension, count, mean, comoment }

    /// Decodes and checks the shapes, so a damaged model file is an error rather than a crash.
    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dimension = try container.decode(Int.self, forKey: .dimension)
        count = try container.decode(Int.self, forKey: .count)
        mean = try container.decode([Double].self, forKey: .mean)
        comoment = try container.decode([Double].self, forKey: .comoment)
        guard dimension > 0, count >= 0, mean.count == dimension, comoment.count == dimension * dimension else {
            throw DecodingError.dataCorruptedError(forKey: .comoment, in: container, debugDescription: "IncrementalPCA: inconsistent shapes")
        }
    }

    private mutating func accumulateBatch(_ rows: [Float], rowCount: Int) {
        let d = dimension
        rows.withUnsafeBufferPointer { x in
            mean.withUnsafeMutableBufferPointer { mu in
                for r in 0..<rowCount {
                    for j in 0..<d { mu[j] += Double(x[r * d + j]) }
                }
                for j in 0..<d { mu[j] /= Double(rowCount) }
                withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { centred in
                    comoment.withUnsafeMutableBufferPointer { m in
                        for r in 0..<rowCount {
                            for j in 0..<d { centred[j] = Double(x[r * d + j]) - mu[j] }
                            for i in 0..<d {
                                let ci = centred[i]
                                for j in i..<d { m[i * d + j] += ci * centred[j] }
                            }
                        }
                    }
                }
            }
        }
        count = rowCount
    }
}
