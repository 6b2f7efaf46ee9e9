/// A fitted linear map `out = components · (row − mean)`, stored in the model file: the principal
/// components of `IncrementalPCA`, the discriminant directions of LDA (`ProjectionFitter`), or a linear
/// model's output rows read out as label scores (the gbdt featurizer's read-out).
package struct LinearProjection: Sendable, Codable, Equatable {
    package let inputDimension: Int
    package let outputDimension: Int
    package let mean: [Float]
    /// outputDimension × inputDimension, row-major; for PCA each row a unit principal direction.
    package let components: [Float]
    /// Variance along each component (the covariance eigenvalues), descending.
    package let explainedVariance: [Float]

    package init(inputDimension: Int, outputDimension: Int, mean: [Float], components: [Float], explainedVariance: [Float]) {
        precondition(mean.count == inputDimension && components.count == outputDimension * inputDimension
            && explainedVariance.count == outputDimension, "LinearProjection: inconsistent shapes")
        self.inputDimension = inputDimension
        self.outputDimension = outputDimension
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
    }

    private enum CodingKeys: String, CodingKey { case inputDimension, outputDimension, mean, components, explainedVariance }

    /// Decodes and checks the shapes, so a damaged model file is an error rather than a crash.
    package init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputDimension = try container.decode(Int.self, forKey: .inputDimension)
        outputDimension = try container.decode(Int.self, forKey: .outputDimension)
        mean = try container.decode([Float].self, forKey: .mean)
        components = try container.decode([Float].self, forKey: .components)
        explainedVariance = try container.decode([Float].self, forKey: .explainedVariance)
        guard inputDimension >= 0, outputDimension >= 0, mean.count == inputDimension,
              components.count == outputDimension * inputDimension, explainedVariance.count == outputDimension else {
            throw DecodingError.dataCorruptedError(forKey: .components, in: container, debugDescription: "LinearProjection: inconsistent shapes")
        }
    }

    /// Projects one row; allocates nothing.
    package func project(_ row: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(row.count == inputDimension && out.count >= outputDimension, "LinearProjection: buffer sizes")
        let d = inputDimension
        components.withUnsafeBufferPointer { w in
            mean.withUnsafeBufferPointer { mu in
                for c in 0..<outputDimension {
                    var sum: Float = 0
                    let base = c * d
                    for j in 0..<d { sum += w[base + j] * (row[j] - mu[j]) }
                    out[c] = sum
                }
            }
        }
    }
}
