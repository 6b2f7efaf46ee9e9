import CSupport
import DomainKit
import Features

/// fastText-style supervised model: the mean of hashed token/n-gram embeddings → softmax over labels.
package final class LinearModel: DomainClassifier, @unchecked Sendable {
    package let labels: [String]
    /// Fitted on validation names so that p means what it says; set once, when the model is made or loaded.
    package var calibration = Calibration()
    package let params: LinearParams
    package let tokenizer: Tokenizer
    /// buckets × dimension: a supervised hashed embedding table (the 25D pipeline reuses it).
    package let input: FloatTable
    /// labels × dimension (with `.direct` output, the identity: never trained, there for `explain` and readers).
    package let output: FloatTable
    /// With `.idf` weighting: the training names' bucket counts the weights come from.
    package let documentFrequency: DocumentFrequency?

    package init(labels: [String], params: LinearParams, tokenizer: Tokenizer, input: FloatTable, output: FloatTable,
                 documentFrequency: DocumentFrequency? = nil) {
        self.labels = labels
        self.params = params
        self.tokenizer = tokenizer
        self.input = input
        self.output = output
        self.documentFrequency = documentFrequency ?? (params.weighting == .idf ? DocumentFrequency(buckets: params.buckets) : nil)
    }

    /// A fresh model: input rows start at zero (untouched buckets stay free on disk), output rows small and
    /// random (or the identity, for direct scores, whose rows have one column per label).
    package convenience init(labels: [String], params: LinearParams, suffixes: PublicSuffixList) {
        var params = params
        if params.isDirect { params.dimension = labels.count }
        let input = FloatTable(rows: params.buckets, columns: params.dimension)
        let output: FloatTable
        if params.isDirect {
            output = Self.identity(labels.count)
        } else {
            output = FloatTable(rows: labels.count, columns: params.dimension)
            var rng = SplitMix(seed: params.seed)
            Self.randomise(output, rows: 0..<labels.count, rng: &rng)
        }
        self.init(labels: labels, params: params, tokenizer: Tokenizer(suffixes: suffixes, config: params.tokenizer), input: input, output: output)
    }

    /// The same model with extra labels appended; their output rows start small and random (direct scores:
    /// each row gains a zero column per new label).
    package func extended(with newLabels: [String]) -> LinearModel {
        let all = labels + newLabels
        let frequency = documentFrequency?.copy()
        if params.isDirect {
            var grownParams = params
            grownParams.dimension = all.count
            let wider = FloatTable(widening: input, columns: all.count)
            return LinearModel(labels: all, params: grownParams, tokenizer: tokenizer, input: wider, output: Self.identity(all.count),
                               documentFrequency: frequency)
        }
        let grown = FloatTable(copying: output, rows: all.count)
        var rng = SplitMix(seed: params.seed &+ UInt64(all.count))
        Self.randomise(grown, rows: labels.count..<all.count, rng: &rng)
        let inputCopy = FloatTable(copying: input, rows: input.rows)
        return LinearModel(labels: all, params: params, tokenizer: tokenizer, input: inputCopy, output: grown, documentFrequency: frequency)
    }

    static func identity(_ n: Int) -> FloatTable {
        let table = FloatTable(rows: n, columns: n)
        for i in 0..<n { table.row(i)[i] = 1 }
        return table
    }

    static func randomise(_ table: FloatTable, rows: Range<Int>, rng: inout SplitMix) {
        let scale = 1 / Float(table.columns)
        for r in rows { for c in 0..<table.columns { table.row(r)[c] = rng.nextSignedUnit() * scale } }
    }

    package func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        workspace.hashes.removeAll(keepingCapacity: true)
        tokenizer.featureHashes(domain, into: &workspace.hashes)
        scores(workspace.hashes, workspace: workspace)
        workspace.scores.withUnsafeMutableBufferPointer { scores in
            Softmax.normalise(scores, temperature: calibration.temperature)
            Softmax.topK(UnsafeBufferPointer(scores), k: k, into: &top)
            calibration.adjust(&top)
        }
    }

    /// Tokenizes name i+1 and starts its table reads before summing name i's rows, so the cache misses of
    /// one name overlap the tokenizing of the next (the table is far larger than the CPU caches).
    package func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        guard !domains.isEmpty else { return }
        var top: [LabelScore] = []
        workspace.nextHashes.removeAll(keepingCapacity: true)
        tokenizer.featureHashes(domains[0], into: &workspace.nextHashes)
        for i in domains.indices {
            swap(&workspace.hashes, &workspace.nextHashes)
            if i + 1 < domains.count {
                workspace.nextHashes.removeAll(keepingCapacity: true)
                tokenizer.featureHashes(domains[i + 1], into: &workspace.nextHashes)
                prefetchRows(workspace.nextHashes)
            }
            scores(workspace.hashes, workspace: workspace)
            workspace.scores.withUnsafeMutableBufferPointer { scores in
                Softmax.normalise(scores, temperature: calibration.temperature)
                Softmax.topK(UnsafeBufferPointer(scores), k: k, into: &top)
                calibration.adjust(&top)
            }
            answer(i, top)
        }
    }

    @inline(__always)
    func prefetchRows(_ hashes: [UInt64]) {
        let dim = params.dimension
        let mask = UInt64(params.buckets - 1)
        let inputBase = input.storage.baseAddress!
        // Every 64-byte line of the row: a row of 32 floats spans two.
        if let documentFrequency {
            documentFrequency.idf.withUnsafeBufferPointer { idf in for hash in hashes { dc_prefetch(idf.baseAddress! + Int(hash & mask)) } }
        }
        for hash in hashes {
            let row = inputBase + Int(hash & mask) * dim
            for line in stride(from: 0, to: dim, by: 16) { dc_prefetch(row + line) }
        }
    }

    /// Raw label scores into `workspace.scores`; the hidden vector stays in `workspace.vector`.
    @inline(__always)
    func scores(_ hashes: [UInt64], workspace: ClassifierWorkspace) {
        let dim = params.dimension
        let mask = UInt64(params.buckets - 1)
        if workspace.vector.count != dim { workspace.vector = [Float](repeating: 0, count: dim) }
        if workspace.scores.count != labels.count { workspace.scores = [Float](repeating: 0, count: labels.count) }
        let inputBase = input.storage.baseAddress!, outputBase = output.storage.baseAddress!
        // Start every row's cache miss before summing any of them.
        prefetchRows(hashes)
        workspace.vector.withUnsafeMutableBufferPointer { hidden in
            let h = hidden.baseAddress!
            for c in 0..<dim { h[c] = 0 }
            if let documentFrequency {
                documentFrequency.idf.withUnsafeBufferPointer { idf in
                    var norm: Float = 0
                    let separate = params.biasOutsidePool && !hashes.isEmpty
                    for n in (separate ? 1 : 0)..<hashes.count {
                        let bucket = Int(hashes[n] & mask)
                        let w = idf[bucket], row = inputBase + bucket * dim
                        norm += w * w
                        for c in 0..<dim { h[c] += w * row[c] }
                    }
                    let inv = 1 / max(norm.squareRoot(), .leastNormalMagnitude)
                    for c in 0..<dim { h[c] *= inv }
                    if separate {
                        let bias = inputBase + Int(hashes[0] & mask) * dim
                        for c in 0..<dim { h[c] += bias[c] }
                    }
                }
            } else {
                for hash in hashes {
                    let row = inputBase + Int(hash & mask) * dim
                    for c in 0..<dim { h[c] += row[c] }
                }
                let inv = 1 / Float(max(hashes.count, 1))
                for c in 0..<dim { h[c] *= inv }
            }
            workspace.scores.withUnsafeMutableBufferPointer { scores in
                if params.isDirect {
                    for l in 0..<scores.count { scores[l] = h[l] }
                } else {
                    for l in 0..<scores.count { scores[l] = VectorMath.dot(outputBase + l * dim, h, dim) }
                }
            }
        }
    }

    /// Each word token's share of the label's score (its own row plus its n-grams' rows), as softmax weights.
    package func explain(_ domain: Domain, label: Int32) -> [TokenWeight] {
        let dim = params.dimension
        let mask = UInt64(params.buckets - 1)
        let w = output.row(Int(label))
        func contribution(_ hashes: [UInt64]) -> Float {
            var s: Float = 0
            for hash in hashes {
                let bucket = Int(hash & mask)
                let row = input.row(bucket)
                let weight = documentFrequency?.idf[bucket] ?? 1
                for c in 0..<dim { s += weight * row[c] * w[c] }
            }
            return s
        }
        return wordWeights(domain, tokenizer: tokenizer, contribution: contribution)
    }
}

/// Each word token of `domain` with what its own hashes (its row and its n-grams' rows) contribute to a
/// label's score, as `normalisedWeights`: the explanation of every hashed-table kind.
func wordWeights(_ domain: Domain, tokenizer: Tokenizer, contribution: ([UInt64]) -> Float) -> [TokenWeight] {
    var scored: [(String, Float)] = []
    var own: [UInt64] = []
    for (kind, text) in tokenizer.words(domain) {
        own.removeAll(keepingCapacity: true)
        var bytes = text
        bytes.withUTF8 { tokenizer.tokenHashes(kind, $0, into: &own) }
        scored.append((text, contribution(own)))
    }
    return normalisedWeights(scored)
}

/// Each token's share of the positive contributions, heaviest first: weights sum to 1
/// (equal shares when nothing pushed toward the label). A text met as two tokens (`example.com` is both
/// the whole name and the registrable name) is listed once, with what both contributed.
func normalisedWeights(_ tokens: [(String, Float)]) -> [TokenWeight] {
    var scored: [(String, Float)] = []
    var position: [String: Int] = [:]
    for (text, score) in tokens {
        if let i = position[text] { scored[i].1 += score; continue }
        position[text] = scored.count
        scored.append((text, score))
    }
    guard !scored.isEmpty else { return [] }
    let positive = scored.map { max(0, $0.1) }
    let total = positive.reduce(0, +)
    let weights = total > 0 ? positive.map { $0 / total } : positive.map { _ in 1 / Float(scored.count) }
    return zip(scored, weights).map { TokenWeight(token: $0.0, weight: $1) }.sorted { $0.weight > $1.weight }
}

#if canImport(Glibc)
import Glibc
#endif
