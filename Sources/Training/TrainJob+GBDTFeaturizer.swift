import Corpora
import DomainKit
import FastTextKit
import Features
import Foundation
import Learners
import Lines
import ModelStore

extension TrainJob {
    /// Embeddings, token frequencies, projection and shape selection, all fitted on `corpus`; and
    /// the training rows the trees should learn from.
    ///
    /// A supervised table trained on the same names memorises them (a name's own hash row *is* its
    /// label), so its vectors are far cleaner on training names than on new ones and trees fitted on
    /// them trust them too much. The training rows therefore come out of fold (stacking): two linear
    /// models, each trained on half the registrable domains, pool the other half. The table stored
    /// in the model is trained on all of it — so names it saw give rows more confident than any
    /// out-of-fold row, and trees fitted on those alone misread them (google.com, seen in training,
    /// came out as another label with p 0.99). Both kinds of rows are therefore training rows:
    /// out of fold (how new names look) and in sample (how known names look), each with its label.
    func buildFeaturizer(_ corpus: LabelledCorpus, labels: [Int32], names: [String]) throws -> (Featurizer, GBDTPipelineParams, [Float], [Int32]) {
        var params = GBDTPipelineParams()
        guard let sizes = FeatureSizes.parse(gbdt.features, examples: gbdt.corpusSize ?? corpus.count) else { throw TrainError("--features must be auto or P+S, e.g. 20+5") }
        params.sizes = sizes
        params.trees.rounds = sizes.rounds
        params.trees.numLeaves = gbdt.leaves ?? sizes.leaves
        params.trees.minDataInLeaf = sizes.minDataInLeaf
        params.projection = gbdt.projection
        params.embedding = gbdt.embeddings
        params.pooling = gbdt.pooling ?? (gbdt.embeddings == .linear ? .features : .inverseFrequency)
        params.tokenizer = linear.embeddingOnly.tokenizer
        params.seed = linear.seed
        let embedding: any TokenEmbedding
        var outOfFold: [Float]?
        var readout: LinearProjection?
        let classes = names.count
        switch gbdt.embeddings {
        case .hashed:
            params.bucketBits = gbdt.hashedBits
            params.dimension = gbdt.hashedDimension
            params.hashesPerToken = gbdt.hashesPerToken
            embedding = HashedEmbedding(randomBucketBits: params.bucketBits, dimension: params.dimension,
                                        hashesPerToken: params.hashesPerToken, seed: params.seed)
        case .linear:
            let source = try linearEmbeddingSource(corpus)
            try stopAtDeadline()
            params.bucketBits = source.params.bucketBits
            params.dimension = source.params.dimension
            params.tokenizer = source.params.tokenizer
            embedding = HashedEmbedding(learned: UnsafeBufferPointer(source.input.storage), bucketBits: source.params.bucketBits,
                                        dimension: source.params.dimension)
            readout = .labelScores(source, names: names)
            if gbdt.embeddingsFrom == nil {
                let (oof, kindScales) = try outOfFoldScores(corpus, labels: labels, names: names, weighting: params.poolingWeights)
                try stopAtDeadline()
                outOfFold = oof
                params.kindScales = kindScales
                var right = 0
                for r in 0..<corpus.count {
                    let row = oof[r * classes..<(r + 1) * classes]
                    if row.indices.max(by: { row[$0] < row[$1] })! - r * classes == Int(labels[r]) { right += 1 }
                }
                log("out-of-fold linear accuracy on the training names: \(Double(right) / Double(corpus.count))")
            }
        case .fasttext:
            let model = try fastTextEmbeddingSource(corpus)
            params.dimension = model.dimension
            embedding = FastTextEmbedding(model: model)
        }
        let tokenizer = Tokenizer(suffixes: suffixes, config: params.tokenizer)
        let frequencies = countTokens(corpus, tokenizer: tokenizer, bits: params.frequencyBits)
        let pooling = AttentionPooling(tokenizer: tokenizer, embedding: embedding, frequencies: frequencies, weighting: params.poolingWeights,
                                       kindScales: params.kindScales)

        progress?("projection", 0, corpus.count, 0)
        let identity = LinearProjection.identity(pooling.dimension)
        let all = Array(0..<ShapeFeatures.count)
        let raw = Featurizer(pooling: pooling, readout: readout, projection: .identity(readout?.outputDimension ?? pooling.dimension), shapeSelection: all)
        let rows = GBDTClassifier.featureRows(raw, domains: corpus.domains, threads: linear.threads)
        try stopAtDeadline()
        let d = raw.projectedInput, w = raw.width
        var fitter = ProjectionFitter(dimension: d, classes: classes)
        let copies = outOfFold == nil ? 1 : 2
        let n = corpus.count * copies
        var pooled = [Float](repeating: 0, count: n * d)
        var shapes = [Float](repeating: 0, count: n * ShapeFeatures.count)
        for copy in 0..<copies {
            for r in 0..<corpus.count {
                let o = copy * corpus.count + r
                for c in 0..<d { pooled[o * d + c] = copy == 1 ? outOfFold![r * d + c] : rows[r * w + c] }
                for c in 0..<ShapeFeatures.count { shapes[o * ShapeFeatures.count + c] = rows[r * w + d + c] }
            }
        }
        let rowLabels = Array([[Int32]](repeating: labels, count: copies).joined())
        fitter.add(rows: pooled, count: n, labels: rowLabels)
        let projection = fitter.fit(params.projection, components: min(sizes.projected, d))
        let f = FeatureSelection.anovaF(Array(shapes[0..<corpus.count * ShapeFeatures.count]), columns: ShapeFeatures.count, labels: labels, classes: classes)
        params.shapeSelection = Array((0..<ShapeFeatures.count).sorted { f[$0] > f[$1] || (f[$0] == f[$1] && $0 < $1) }.prefix(sizes.shape))
        log("features: \(projection.outputDimension) \(params.projection.rawValue) of \(d)-dim \(readout == nil ? "pooled" : "label-score") \(params.embedding.rawValue) embeddings + shape "
            + params.shapeSelection.map { ShapeFeatures.names[$0] }.joined(separator: ", "))
        let featurizer = Featurizer(pooling: pooling, readout: readout, projection: projection, shapeSelection: params.shapeSelection)
        let width = featurizer.width, p = projection.outputDimension
        var trainRows = [Float](repeating: 0, count: n * width)
        pooled.withUnsafeBufferPointer { x in
            trainRows.withUnsafeMutableBufferPointer { out in
                for r in 0..<n {
                    projection.project(UnsafeBufferPointer(rebasing: x[r * d..<(r + 1) * d]), into: UnsafeMutableBufferPointer(rebasing: out[r * width..<r * width + p]))
                    for (i, s) in params.shapeSelection.enumerated() { out[r * width + p + i] = shapes[r * ShapeFeatures.count + s] }
                }
            }
        }
        return (featurizer, params, trainRows, rowLabels)
    }

    func countTokens(_ corpus: LabelledCorpus, tokenizer: Tokenizer, bits: Int) -> TokenFrequencies {
        progress?("counting tokens", 0, corpus.count, 0)
        var frequencies = TokenFrequencies(bits: bits)
        var hashes: [UInt64] = []
        for domain in corpus.domains { frequencies.add(domain, tokenizer: tokenizer, scratch: &hashes) }
        return frequencies
    }

    /// Label scores of every name from a linear model that never saw its registrable domain (2 folds).
    /// `learned` pooling fits its multipliers here, on held-out names of both folds, before scoring.
    func outOfFoldScores(_ corpus: LabelledCorpus, labels: [Int32], names: [String], weighting: PoolingWeights) throws -> ([Float], [Float]?) {
        let tokenizer = Tokenizer(suffixes: suffixes, config: linear.embeddingOnly.tokenizer)
        let frequencies = countTokens(corpus, tokenizer: tokenizer, bits: GBDTPipelineParams().frequencyBits)
        let fold = corpus.domains.map { domain -> Int in
            Int(mixHash(FNV1a64.hash(suffixes.registrableDomain(domain.name) ?? domain.name)) & 1)
        }
        let d = linear.dimension, classes = names.count
        var pooled = [Float](repeating: 0, count: corpus.count * classes)
        let pooling = { (model: LinearModel, scales: [Float]?) in
            AttentionPooling(tokenizer: tokenizer, embedding: HashedEmbedding(learned: UnsafeBufferPointer(model.input.storage), bucketBits: model.params.bucketBits, dimension: d),
                             frequencies: frequencies, weighting: weighting, kindScales: scales)
        }
        let score = { (model: LinearModel, held: [Int], scales: [Float]?) in
            let rows = GBDTClassifier.featureRows(Featurizer(pooling: pooling(model, scales), readout: .labelScores(model, names: names),
                                                             projection: .identity(classes), shapeSelection: []),
                                                  domains: held.map { corpus.domains[$0] }, threads: self.linear.threads)
            for (j, i) in held.enumerated() { for c in 0..<classes { pooled[i * classes + c] = rows[j * classes + c] } }
        }
        // `learned` keeps both fold models until the multipliers are fitted on both folds' held names.
        var fit = PoolingScaleFit(classes: classes)
        var waiting: [(model: LinearModel, held: [Int])] = []
        var hashes: [UInt64] = []
        for f in 0..<2 {
            var part = LabelledCorpus()
            var held: [Int] = []
            for i in 0..<corpus.count {
                if fold[i] == f { held.append(i) } else {
                    part.domains.append(corpus.domains[i]); part.labels.append(corpus.labels[i])
                }
            }
            guard !part.domains.isEmpty, !held.isEmpty else { continue }
            progress?("out-of-fold embeddings \(f + 1)/2", 0, part.count, 0)
            let model = try trainLinear(part)
            try stopAtDeadline()
            guard weighting == .learned else { score(model, held, nil); continue }
            let unit = pooling(model, nil), readout = LinearProjection.labelScores(model, names: names)
            // Up to 10,000 names a fold: plenty for 6 numbers, and quick.
            for i in stride(from: 0, to: held.count, by: max(1, held.count / 10_000)) {
                fit.add(corpus.domains[held[i]], label: labels[held[i]], pooling: unit, readout: readout, hashes: &hashes)
            }
            waiting.append((model, held))
        }
        guard weighting == .learned else { return (pooled, nil) }
        let result = fit.fit()
        log("learned pooling on \(fit.count) out-of-fold names: read-out accuracy \(result.before.accuracy) → \(result.after.accuracy); multipliers "
            + PoolingScaleFit.kinds.map { "\($0)=\(result.kindScales[Int($0.rawValue)])" }.joined(separator: " "))
        for (model, held) in waiting { score(model, held, result.kindScales) }
        return (pooled, result.kindScales)
    }
}
