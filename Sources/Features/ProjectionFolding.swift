extension LinearProjection {
    /// The same projection over more inputs, each extra input read as a fixed mixture of the existing
    /// ones: `project(x ⧺ y) = project(x + Σ_j y_j · mixtures[j])`.
    ///
    /// A continued `gbdt` model projects label probabilities; a label that joins later has a
    /// probability column the fitted projection never had. Folding that column into the mixture of
    /// earlier labels its names got *before* the label existed keeps them where the trees learned
    /// them, and the output width (what the trees read) never changes.
    package func appendingInputs(asMixturesOf mixtures: [[Float]]) -> LinearProjection {
        guard !mixtures.isEmpty else { return self }
        precondition(mixtures.allSatisfy { $0.count == inputDimension }, "LinearProjection: a mixture over \(inputDimension) inputs")
        let d = inputDimension, wide = d + mixtures.count
        var rows = [Float]()
        rows.reserveCapacity(outputDimension * wide)
        for k in 0..<outputDimension {
            let row = components[k * d..<(k + 1) * d]
            rows.append(contentsOf: row)
            for mixture in mixtures { rows.append(zip(row, mixture).reduce(0) { $0 + $1.0 * $1.1 }) }
        }
        return LinearProjection(inputDimension: wide, outputDimension: outputDimension, mean: mean + [Float](repeating: 0, count: mixtures.count),
                             components: rows, explainedVariance: explainedVariance)
    }
}
