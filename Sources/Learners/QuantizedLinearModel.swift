import CSupport
import DomainKit
import Features

/// A `linear` model whose hashed table is int8 rows (`QuantizedTable`) and whose idf weights are bytes
/// (`QuantizedWeights`): the same features and pooling as `LinearModel`, for serving. It is not trained
/// further; training continues from the float model it was made from.
package final class QuantizedLinearModel: DomainClassifier, @unchecked Sendable {
    package let labels: [String]
    package var calibration = Calibration()
    package let params: LinearParams
    package let tokenizer: Tokenizer
    package let input: QuantizedTable
    /// labels × dimension, with `.embedding` output; nil with `.direct` (the rows are the label scores).
    package let output: FloatTable?
    /// With `.idf` weighting: each bucket's weight.
    package let weights: QuantizedWeights?

    package init(labels: [String], params: LinearParams, tokenizer: Tokenizer, input: QuantizedTable, output: FloatTable?,
                 weights: QuantizedWeights?) throws {
        guard input.rows == params.buckets, input.columns == params.dimension else {
            throw ModelDataError("quantized table is \(input.rows) × \(input.columns), parameters say \(params.buckets) × \(params.dimension)")
        }
        guard params.weighting != .idf || weights?.count == params.buckets else { throw ModelDataError("idf weights missing or of another size") }
        guard params.isDirect || (output?.rows == labels.count && output?.columns == params.dimension) else {
            throw ModelDataError("output table does not fit \(labels.count) labels × \(params.dimension)")
        }
        if params.isDirect, params.dimension != labels.count { throw ModelDataError("direct scores need one column per label") }
        self.labels = labels
        self.params = params
        self.tokenizer = tokenizer
        self.input = input
        self.output = output
        self.weights = params.weighting == .idf ? weights : nil
    }

    package func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        workspace.hashes.removeAll(keepingCapacity: true)
        tokenizer.featureHashes(domain, into: &workspace.hashes)
        prefetch(workspace.hashes)
        scores(workspace.hashes, workspace: workspace)
        answer(workspace, k: k, into: &top)
    }

    /// As `LinearModel.classifyEach`: name i+1 is tokenized and its bitmap words prefetched while name i's
    /// rows are summed.
    package func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        guard !domains.isEmpty else { return }
        var top: [LabelScore] = []
        workspace.nextHashes.removeAll(keepingCapacity: true)
        tokenizer.featureHashes(domains[0], into: &workspace.nextHashes)
        prefetch(workspace.nextHashes)
        for i in domains.indices {
            swap(&workspace.hashes, &workspace.nextHashes)
            if i + 1 < domains.count {
                workspace.nextHashes.removeAll(keepingCapacity: true)
                tokenizer.featureHashes(domains[i + 1], into: &workspace.nextHashes)
                prefetch(workspace.nextHashes)
            }
            scores(workspace.hashes, workspace: workspace)
            self.answer(workspace, k: k, into: &top)
            answer(i, top)
        }
    }

    @inline(__always)
    func answer(_ workspace: ClassifierWorkspace, k: Int, into top: inout [LabelScore]) {
        workspace.scores.withUnsafeMutableBufferPointer { scores in
            Softmax.normalise(scores, temperature: calibration.temperature)
            Softmax.topK(UnsafeBufferPointer(scores), k: k, into: &top)
            calibration.adjust(&top)
        }
    }

    /// The bitmap words and weights of a name's buckets: the rows' own addresses need the words first.
    @inline(__always)
    func prefetch(_ hashes: [UInt64]) {
        let mask = UInt64(params.buckets - 1)
        for hash in hashes {
            let bucket = Int(hash & mask)
            dc_prefetch(input.bitmapWord(bucket))
            if let weights { dc_prefetch(weights.address(bucket)) }
        }
    }

    /// Raw label scores into `workspace.scores`, pooled as `LinearModel.scores` pools them.
    @inline(__always)
    func scores(_ hashes: [UInt64], workspace: ClassifierWorkspace) {
        let dim = params.dimension
        let mask = UInt64(params.buckets - 1)
        if workspace.vector.count != dim { workspace.vector = [Float](repeating: 0, count: dim) }
        if workspace.scores.count != labels.count { workspace.scores = [Float](repeating: 0, count: labels.count) }
        // Start the rows' cache misses (two lines: a row of 36 bytes may straddle one) before summing any.
        for hash in hashes {
            if let row = input.row(Int(hash & mask)) { dc_prefetch(row); dc_prefetch(row + input.rowStride - 1) }
        }
        workspace.vector.withUnsafeMutableBufferPointer { hidden in
            let h = hidden.baseAddress!
            for c in 0..<dim { h[c] = 0 }
            if let weights {
                var norm: Float = 0
                let separate = params.biasOutsidePool && !hashes.isEmpty
                for n in (separate ? 1 : 0)..<hashes.count {
                    let bucket = Int(hashes[n] & mask)
                    let w = weights[bucket]
                    norm += w * w
                    input.add(bucket, weight: w, into: h)
                }
                let inv = 1 / max(norm.squareRoot(), .leastNormalMagnitude)
                for c in 0..<dim { h[c] *= inv }
                if separate { input.add(Int(hashes[0] & mask), weight: 1, into: h) }
            } else {
                for hash in hashes { input.add(Int(hash & mask), weight: 1, into: h) }
                let inv = 1 / Float(max(hashes.count, 1))
                for c in 0..<dim { h[c] *= inv }
            }
            workspace.scores.withUnsafeMutableBufferPointer { scores in
                if let output {
                    let outputBase = output.storage.baseAddress!
                    for l in 0..<scores.count { scores[l] = VectorMath.dot(outputBase + l * dim, h, dim) }
                } else {
                    for l in 0..<scores.count { scores[l] = h[l] }
                }
            }
        }
    }

    /// Each word token's share of the label's score, as `LinearModel.explain` gives it.
    package func explain(_ domain: Domain, label: Int32) -> [TokenWeight] {
        let dim = params.dimension
        let mask = UInt64(params.buckets - 1)
        var direction = [Float](repeating: 0, count: dim)
        if let output { for c in 0..<dim { direction[c] = output.row(Int(label))[c] } } else { direction[Int(label)] = 1 }
        func contribution(_ hashes: [UInt64]) -> Float {
            var s: Float = 0
            for hash in hashes {
                let bucket = Int(hash & mask)
                let row = input.values(bucket)
                let weight = weights?[bucket] ?? 1
                for c in 0..<dim { s += weight * row[c] * direction[c] }
            }
            return s
        }
        return wordWeights(domain, tokenizer: tokenizer, contribution: contribution)
    }
}
