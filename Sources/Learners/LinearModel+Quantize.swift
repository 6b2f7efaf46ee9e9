/// How a `linear` model was made small; kept in its parameters (`LinearParams.quantization`).
package struct Quantization: Codable, Sendable, Equatable {
    /// Bits per table value: 8 (a float scale per row).
    package var bits = 8
    /// How many rows were kept (the most important by `prune`); nil: every row that is not all zero.
    package var cutoff: Int?
    package var prune: Pruning?

    package init(cutoff: Int? = nil, prune: Pruning? = nil) {
        self.cutoff = cutoff
        self.prune = cutoff == nil ? nil : prune ?? .norm
    }
}

/// Which rows carry little, for `--cutoff`.
package enum Pruning: String, Codable, Sendable, CaseIterable {
    /// The row's L2 norm, times its idf weight with idf pooling: how far it can move a name's scores.
    case norm
    /// How many training names have a feature in the bucket.
    case use
}

extension LinearModel {
    /// The model with int8 rows; with a cutoff, only the `cutoff` most important rows (`importance`, or
    /// the row norms) are kept and the others answer as the zero row. `uses`: per-bucket training-name
    /// counts for `Pruning.use` (nil: the model's document frequencies).
    package func quantized(_ quantization: Quantization, uses: [UInt32]? = nil) throws -> QuantizedLinearModel {
        var keep: [Bool]?
        if let cutoff = quantization.cutoff {
            let importance: [Float]
            switch quantization.prune ?? .norm {
            case .norm: importance = rowNorms()
            case .use:
                guard let counts = uses ?? documentFrequency?.counts else {
                    throw ModelDataError("pruning by use needs the training names' bucket counts: the model has no document frequencies")
                }
                // Ties in use (many buckets met once) are broken by the norm; a zero row carries nothing however
                // much it is used (an SVM's bucket met only by names beyond the margin stays zero).
                let norms = rowNorms(), largest = max(norms.max() ?? 0, .leastNormalMagnitude)
                importance = (0..<counts.count).map { norms[$0] > 0 ? Float(counts[$0]) + norms[$0] / largest / 2 : 0 }
            }
            keep = Self.mostImportant(importance, count: cutoff)
        }
        let inputBytes = AlignedBytes(QuantizedTable.bytes(of: input) { keep?[$0] ?? true })
        let weightBytes = documentFrequency.map { AlignedBytes(QuantizedWeights.bytes(of: $0.idf)) }
        var params = self.params
        params.quantization = quantization
        let model = try QuantizedLinearModel(
            labels: labels, params: params, tokenizer: tokenizer,
            input: QuantizedTable(bytes: inputBytes.buffer, owner: inputBytes),
            output: params.isDirect ? nil : output,
            weights: try weightBytes.map { try QuantizedWeights(bytes: $0.buffer, owner: $0) })
        model.calibration = calibration
        return model
    }

    /// Each row's L2 norm, scaled by its idf weight when names are pooled so; zero rows score 0.
    func rowNorms() -> [Float] {
        (0..<input.rows).map { r in
            let p = input.row(r)
            var s: Float = 0
            for c in 0..<input.columns { s += p[c] * p[c] }
            return s.squareRoot() * (documentFrequency?.idf[r] ?? 1)
        }
    }

    /// The `count` rows of highest positive importance.
    static func mostImportant(_ importance: [Float], count: Int) -> [Bool] {
        var order = importance.indices.filter { importance[$0] > 0 }
        order.sort { importance[$0] > importance[$1] }
        var keep = [Bool](repeating: false, count: importance.count)
        for r in order.prefix(max(0, count)) { keep[r] = true }
        return keep
    }
}
