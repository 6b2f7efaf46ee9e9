import Corpora
import DomainKit
import FastTextKit
import Features
import Foundation
import Learners
import ModelStore

/// Options of the `gbdt` kind (`domcat train --kind gbdt`).
package struct GBDTJobOptions {
    package var embeddings = GBDTPipelineParams.EmbeddingSource.linear
    /// Reuse this `linear` model's input table instead of training one first.
    package var embeddingsFrom: String?
    /// Extra names (one per line, labels ignored) for fastText embeddings.
    package var unlabelledPaths: [String] = []
    /// "auto" or "P+S"; see `FeatureSizes`.
    package var features = "auto"
    package var projection = ProjectionKind.lda
    /// Random (`hashed`) table sizes and Bloom hashes per token.
    package var hashedBits = 20
    package var hashedDimension = 64
    package var hashesPerToken = 1
    /// With `--init-model` or `--batch-size` and linear embeddings: keep the embedding model as batch 1
    /// left it (only trees are added), instead of continuing its training on every batch.
    package var freezeEmbeddings = false
    /// With `--init-model`: rebuild embeddings, frequencies, projection and shape selection on the
    /// new batch and grow new trees (the earlier trees read other features); labels are kept.
    package var retrainEmbeddings = false
    /// Examples in the whole corpus when training batch after batch (`--features auto` follows it);
    /// nil: the batch's own count. Counted by `--batch-size` before the first batch.
    package var corpusSize: Int?
    /// Token weights of the pooling; nil: `features` for linear embeddings, inverse frequency otherwise.
    package var pooling: PoolingWeights?
    /// Read the corpus this many examples at a time, each batch continuing the last model.
    package var batchSize: Int?
    /// Overrides of the size table.
    package var rounds: Int?
    package var leaves: Int?
    package var learningRate: Float = 0.1
    package var lambdaL2: Float = 1
    package var earlyStoppingRounds = 10
    /// Write the exact rows the trees trained on (out of fold for linear embeddings) as TSV, for
    /// fitting LightGBM/scikit-learn on the same data; `domcat features` gives the rows of new names.
    package var exportTrainRowsPath: String?
    package init() {}
}

extension TrainJob {
    /// The `gbdt` kind. Continued boosting (`--init-model`, or every batch after the first) keeps the
    /// earlier model's projection and shape selection fixed — the trees only make sense on the
    /// features they were grown on — and adds trees fitted to the new batch's gradients; new labels
    /// join with their prior as base score. A linear embedding model keeps training on every batch
    /// (`GBDTEmbeddingContinuation.swift`) unless `--freeze-embeddings`; other embeddings stay fixed.
    func runGBDT(start: Date) throws -> Outcome {
        var current: GBDTClassifier?
        var parent: String?
        if let initModelPath {
            let earlier = try Model.load(path: initModelPath, suffixes: suffixes)
            guard let model = earlier.classifier as? GBDTClassifier else {
                throw TrainError("\(initModelPath) is a '\(earlier.header.kind)' model; --init-model needs a model of the same kind")
            }
            current = model
            parent = earlier.digest
        }
        let valid = try validPath.map { try LabelledCorpus.read(paths: [$0]) }
        var last = LabelledCorpus()
        if let batchSize = gbdt.batchSize {
            var batches = 0
            // `--features auto` sizes follow the whole corpus, not its first batch.
            var job = self
            if initModelPath == nil, job.gbdt.corpusSize == nil { job.gbdt.corpusSize = try CorpusBatches.count(paths: corpusPaths) }
            try CorpusBatches.forEach(paths: corpusPaths, batchSize: batchSize) { batch in
                batches += 1
                log("batch \(batches): \(batch.count) examples")
                current = try job.trainGBDT(batch, continuing: current, valid: valid, first: batches == 1 && initModelPath == nil)
                last = batch
            }
        } else {
            last = try LabelledCorpus.read(paths: corpusPaths)
            for problem in last.problems { log("skipped \(problem)") }
            current = try trainGBDT(last, continuing: current, valid: valid, first: initModelPath == nil)
        }
        guard let classifier = current, last.count > 0 else { throw TrainError("no usable examples in \(corpusPaths.joined(separator: ", "))") }
        return try finish(classifier, corpus: last, start: start, parent: parent) { try GBDTCodec.encode(classifier, header: $0) }
    }

    /// One batch: build the featurizer (first batch, or `--retrain-embeddings`), then boost.
    package func trainGBDT(_ corpus: LabelledCorpus, continuing earlier: GBDTClassifier?, valid: LabelledCorpus?, first: Bool) throws -> GBDTClassifier {
        guard corpus.count > 0 else { throw TrainError("an empty batch") }
        let (names, indices) = corpus.labelIndex(startingWith: earlier?.labels ?? [])
        if let earlier, names.count > earlier.labels.count { log("new labels join the model: \(names[earlier.labels.count...].joined(separator: ", "))") }
        let rebuild = earlier == nil || gbdt.retrainEmbeddings
        var params: GBDTPipelineParams
        let featurizer: Featurizer
        var rows: [Float]?
        var rowLabels = indices
        if rebuild {
            (featurizer, params, rows, rowLabels) = try buildFeaturizer(corpus, labels: indices, names: names)
        } else if let earlier, !gbdt.freezeEmbeddings, let embeddings = embeddingModel(of: earlier) {
            // As for batch 1, the trees learn from both kinds of rows: the batch as the model before it
            // sees it (how new names look), and as the continued model sees it (how known names look).
            progress?("featurising", 0, corpus.count, 0)
            let unseen = GBDTClassifier.featureRows(earlier.featurizer, domains: corpus.domains, threads: linear.threads)
            featurizer = continuedFeaturizer(earlier, embeddings: embeddings, corpus: corpus, names: names, indices: indices)
            rows = unseen + GBDTClassifier.featureRows(featurizer, domains: corpus.domains, threads: linear.threads)
            rowLabels = indices + indices
            params = earlier.params
        } else {
            featurizer = earlier!.featurizer
            params = earlier!.params
        }
        if let rounds = gbdt.rounds { params.trees.rounds = rounds }
        params.trees.learningRate = gbdt.learningRate
        params.trees.lambdaL2 = gbdt.lambdaL2
        params.trees.earlyStoppingRounds = gbdt.earlyStoppingRounds
        params.trees.threads = linear.threads
        params.trees.seed = linear.seed

        progress?("featurising", 0, corpus.count, 0)
        let trainRows = rows ?? GBDTClassifier.featureRows(featurizer, domains: corpus.domains, threads: linear.threads)
        if let path = gbdt.exportTrainRowsPath {
            try FeatureTable.write(trainRows, width: featurizer.width, columns: featurizer.columnNames, labels: rowLabels.map { names[Int($0)] }, to: path)
        }
        let data = GBDTDataset(features: trainRows, rows: rowLabels.count, columns: featurizer.width, labels: rowLabels)
        var validation: GBDTDataset?
        if let valid {
            // Validation names whose label the model does not know cannot steer the trees.
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
            let kept = zip(valid.domains, valid.labels).compactMap { d, l in index[l].map { (d, $0) } }
            if !kept.isEmpty {
                let validRows = GBDTClassifier.featureRows(featurizer, domains: kept.map(\.0), threads: linear.threads)
                validation = GBDTDataset(features: validRows, rows: kept.count, columns: featurizer.width, labels: kept.map(\.1))
            }
        }
        let rounds = params.trees.rounds
        let report = progress
        let boostStart = Date()
        defer { log(String(format: "boosting: %.2f s", Date().timeIntervalSince(boostStart))) }
        let model = GBDTModel.train(data, classes: names.count, params: params.trees, validation: validation,
                                    initModel: rebuild ? nil : earlier?.model) { round, loss in report?("boosting", round + 1, rounds, loss) }
        return GBDTClassifier(labels: names, featurizer: featurizer, model: model, params: params)
    }

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
        params.tokenizer = linear.tokenizer
        params.seed = linear.seed
        let embedding: any TokenEmbedding
        var outOfFold: [Float]?
        var readout: PCAProjection?
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
            params.bucketBits = source.params.bucketBits
            params.dimension = source.params.dimension
            params.tokenizer = source.params.tokenizer
            embedding = HashedEmbedding(learned: UnsafeBufferPointer(source.input.storage), bucketBits: source.params.bucketBits,
                                        dimension: source.params.dimension)
            readout = .labelScores(source, names: names)
            if gbdt.embeddingsFrom == nil {
                let (oof, kindScales) = try outOfFoldScores(corpus, labels: labels, names: names, weighting: params.poolingWeights)
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
        let identity = PCAProjection.identity(pooling.dimension)
        let all = Array(0..<ShapeFeatures.count)
        let raw = Featurizer(pooling: pooling, readout: readout, projection: .identity(readout?.outputDimension ?? pooling.dimension), shapeSelection: all)
        let rows = GBDTClassifier.featureRows(raw, domains: corpus.domains, threads: linear.threads)
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
        let tokenizer = Tokenizer(suffixes: suffixes, config: linear.tokenizer)
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
            guard weighting == .learned else { score(model, held, nil); continue }
            let unit = pooling(model, nil), readout = PCAProjection.labelScores(model, names: names)
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

    /// The supervised hashed embedding table: `--embeddings-from` a linear model, or one trained now.
    func linearEmbeddingSource(_ corpus: LabelledCorpus) throws -> LinearModel {
        if let path = gbdt.embeddingsFrom {
            let loaded = try Model.load(path: path, suffixes: suffixes)
            guard let model = loaded.classifier as? LinearModel else { throw TrainError("--embeddings-from \(path): a '\(loaded.header.kind)' model, not linear") }
            return model
        }
        return try trainLinear(corpus)
    }

    func trainLinear(_ corpus: LabelledCorpus) throws -> LinearModel {
        let (names, indices) = corpus.labelIndex()
        let model = LinearModel(labels: names, params: linear, suffixes: suffixes)
        progress?("embeddings (linear)", 0, corpus.count, 0)
        let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: model.tokenizer,
                               bucketMask: UInt64(model.params.buckets - 1), threads: model.params.threads)
        let report = progress
        LinearTrainer.train(model, on: bags) { done, total, loss in report?("embeddings (linear)", done, total, loss) }
        return model
    }

    /// Skipgram with subwords on the corpus's word tokens, plus `--unlabelled` names.
    func fastTextEmbeddingSource(_ corpus: LabelledCorpus) throws -> FastTextModel {
        let tokenizer = Tokenizer(suffixes: suffixes, config: linear.tokenizer)
        let directory = NSTemporaryDirectory() + "domcat-skipgram-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/tokens.txt"
        var text: [UInt8] = []
        func append(_ domain: Domain) {
            text.append(contentsOf: tokenizer.wordLine(domain).utf8)
            text.append(0x0A)
        }
        for domain in corpus.domains { append(domain) }
        for path in gbdt.unlabelledPaths {
            let reader = try LineReader.open(path: path)
            try reader.forEachLine { line, _ in
                let end = line.firstIndex(where: { $0 == 0x09 || $0 == 0x20 }) ?? line.count
                if case let .domain(domain) = DomainParser.parse(UnsafeBufferPointer(rebasing: line[..<end])) { append(domain) }
                return true
            }
        }
        guard FileManager.default.createFile(atPath: input, contents: Data(text)) else { throw TrainError("cannot write \(input)") }
        progress?("embeddings (fastText skipgram)", 0, corpus.count, 0)
        var args = FastTextTrainArgs(model: .skipgram, input: input)
        args.dim = linear.dimension
        args.minn = linear.tokenizer.minn
        args.maxn = linear.tokenizer.maxn
        args.minCount = 1
        args.thread = linear.threads
        args.seed = Int(truncatingIfNeeded: linear.seed)
        do { return try FastTextModel.train(args) } catch { throw TrainError("fastText skipgram training failed: \(error)") }
    }
}

import Lines

extension PCAProjection {
    /// Keeps every input dimension as it is.
    static func identity(_ d: Int) -> PCAProjection {
        PCAProjection(inputDimension: d, outputDimension: d, mean: .init(repeating: 0, count: d),
                      components: (0..<d * d).map { $0 % (d + 1) == 0 ? 1 : 0 }, explainedVariance: .init(repeating: 0, count: d))
    }
}

extension PCAProjection {
    /// A linear model's output rows in the order of `names` (labels it never saw score 0).
    static func labelScores(_ model: LinearModel, names: [String]) -> PCAProjection {
        let d = model.params.dimension
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, $0) })
        var rows = [Float](repeating: 0, count: names.count * d)
        for (i, name) in names.enumerated() {
            guard let j = index[name] else { continue }
            let row = model.output.row(j)
            for c in 0..<d { rows[i * d + c] = row[c] }
        }
        return PCAProjection(inputDimension: d, outputDimension: names.count, mean: .init(repeating: 0, count: d),
                             components: rows, explainedVariance: .init(repeating: 0, count: names.count))
    }
}
