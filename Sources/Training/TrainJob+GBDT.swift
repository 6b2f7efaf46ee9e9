import Corpora
import DomainKit
import FastTextKit
import Features
import Foundation
import Learners
import Lines
import ModelStore

extension TrainJob {
    /// The `gbdt` kind. Continued boosting (`--init-model`, or every batch after the first) keeps the
    /// earlier model's projection and shape selection fixed — the trees only make sense on the
    /// features they were grown on — and adds trees fitted to the new batch's gradients; new labels
    /// join with their prior as base score. A linear embedding model keeps training on every batch
    /// (`GBDTEmbeddingContinuation.swift`) unless `--freeze-embeddings`; other embeddings stay fixed.
    /// Every continued batch is trained with the rehearsal sample of what came before it mixed in, and
    /// when that sample holds every earlier name, the pipeline is rebuilt on them instead (`rebuilding`).
    func runGBDT(continuing earlier: Model?, sample earlierSample: RehearsalSample?, start: Date) throws -> Outcome {
        var current = earlier?.learned as? GBDTClassifier  // `resolvedKind` matched the kinds
        // The rehearsal sample of everything `current` was trained on, mixed into each batch it continues on.
        var sample = earlierSample
        let known = current?.labels ?? []
        let valid = try validPath.map { try LabelledCorpus.read(paths: [$0]) }
        var examples = CorpusDigest()
        var names = TrainedNameList()
        let skipped: Int
        if let batchSize = gbdt.batchSize {
            let scan = try CorpusBatches.scan(paths: corpusPaths)
            scan.problems.problemReport.forEach(log)
            guard scan.examples > 0 else { throw CorpusError.noExamples(in: corpusPaths, skipped: scan.problems.skipped) }
            try requireTwoLabels(Array(Set(known + scan.conflicts.labels)))
            try scan.conflicts.check(conflicts)
            // `--features auto` sizes follow the whole corpus, not its first batch.
            var job = self
            if earlier == nil, job.gbdt.corpusSize == nil { job.gbdt.corpusSize = scan.examples }
            var batches = 0, removed = 0
            try CorpusBatches.forEach(paths: corpusPaths, batchSize: batchSize) { read in
                let (batch, dropped) = try scan.conflicts.resolve(read, policy: conflicts)
                removed += dropped
                guard batch.count > 0 else { return }
                batches += 1
                log("batch \(batches): \(batch.count) examples")
                let mixed = current == nil ? batch : job.withRehearsal(batch, sample)
                let rebuild = job.rebuilding(current, sample, corpus: mixed, rehearsed: mixed.count - batch.count)
                current = try (rebuild ?? job).trainGBDT(mixed, continuing: current, valid: valid,
                                                         first: batches == 1 && earlier == nil, newNames: batch.count, rebuild: rebuild != nil)
                sample = job.nextSample(sample, after: batch)
                examples.add(batch)
                names.add(batch)
            }
            if let summary = scan.conflicts.summary(policy: conflicts, removed: removed) { log(summary) }
            skipped = scan.problems.skipped
        } else {
            let corpus = try readCorpus(known: known)
            let mixed = withRehearsal(corpus, sample)
            let rebuild = rebuilding(current, sample, corpus: mixed, rehearsed: mixed.count - corpus.count)
            current = try (rebuild ?? self).trainGBDT(mixed, continuing: current, valid: valid, first: earlier == nil,
                                                      newNames: corpus.count, rebuild: rebuild != nil)
            sample = nextSample(sample, after: corpus)
            examples = CorpusDigest(corpus)
            names = TrainedNameList(corpus)
            skipped = corpus.skipped
        }
        guard let classifier = current, examples.count > 0 else { throw CorpusError.noExamples(in: corpusPaths, skipped: skipped) }
        return try finish(classifier, examples: examples, names: names, skipped: skipped, start: start, earlier: earlier, rehearsal: sample) {
            try GBDTCodec.encode(classifier, header: $0)
        }
    }

    /// One batch: build the featurizer (first batch, or `--retrain-embeddings`), then boost. `newNames`:
    /// the batch is the first names of `corpus` (the rest are rehearsed; token counts grow by the batch
    /// alone); nil: all of it. `rebuild`: a whole new pipeline and trees even when continuing (labels kept).
    package func trainGBDT(_ corpus: LabelledCorpus, continuing earlier: GBDTClassifier?, valid: LabelledCorpus?, first: Bool,
                           newNames: Int? = nil, rebuild rebuildAll: Bool = false) throws -> GBDTClassifier {
        guard corpus.count > 0 else { throw TrainError("an empty batch") }
        let (names, indices) = corpus.labelIndex(startingWith: earlier?.labels ?? [])
        if let earlier, names.count > earlier.labels.count { log("new labels join the model: \(names[earlier.labels.count...].joined(separator: ", "))") }
        let rebuild = earlier == nil || gbdt.retrainEmbeddings || rebuildAll
        var params: GBDTPipelineParams
        let featurizer: Featurizer
        var rows: [Float]?
        var rowLabels = indices
        if rebuild {
            (featurizer, params, rows, rowLabels) = try buildFeaturizer(corpus, labels: indices, names: names)
            try stopAtDeadline()
        } else if let earlier, !gbdt.freezeEmbeddings, let embeddings = embeddingModel(of: earlier) {
            // As for batch 1, the trees learn from both kinds of rows: the batch as the model before it
            // sees it (how new names look), and as the continued model sees it (how known names look).
            progress?("featurising", 0, corpus.count, 0)
            let unseen = GBDTClassifier.featureRows(earlier.featurizer, domains: corpus.domains, threads: linear.threads)
            featurizer = continuedFeaturizer(earlier, embeddings: embeddings, corpus: corpus, names: names, indices: indices,
                                             counted: newNames ?? corpus.count)
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
            try FeatureTable.write(trainRows, width: featurizer.width, columns: featurizer.columnNames, labels: rowLabels.map { names[Int($0)] },
                                 to: path, inputs: inputPaths + [outputPath])
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
                                    initModel: rebuild ? nil : earlier?.model, deadline: deadline) { round, loss in report?("boosting", round + 1, rounds, loss) }
        return GBDTClassifier(labels: names, featurizer: featurizer, model: model, params: params)
    }
}

extension TrainJob {
    /// A continuation with a rehearsal sample rebuilds the projection and the trees on the sample and
    /// the batch (`corpus`), with the settings `model` was built with, and returns the job to do that
    /// (nil: continue the trees). Trees added to the earlier ones learn from rehearsed names the
    /// embedding model has seen — rows far more confident than a new name's — and on UT1 that cost 5–7
    /// points of test accuracy; a fresh pipeline learns from out-of-fold rows as the first one did.
    /// - The sample holds every name the model was trained on: everything is rebuilt, the embedding
    ///   model too — the one model of all of it.
    /// - A partial sample, linear embeddings: the embedding model is the earlier one continued on
    ///   `corpus` (it keeps what it learnt of the names the sample lacks); projection, shape selection
    ///   and trees are fitted anew on `corpus`.
    /// Embeddings from fastText, random ones with a partial sample, and `--freeze-embeddings`: trees continue.
    /// `rehearsed`: how many names of `corpus` come from the sample.
    func rebuilding(_ model: GBDTClassifier?, _ sample: RehearsalSample?, corpus: LabelledCorpus, rehearsed: Int) -> TrainJob? {
        guard rehearse, !gbdt.freezeEmbeddings, let model, let sample, sample.count > 0,
              model.params.embedding != .fasttext else { return nil }
        var continued: LinearModel?
        if !sample.isComplete {
            guard let embeddings = embeddingModel(of: model) else { return nil }
            let (names, indices) = corpus.labelIndex(startingWith: model.labels)
            let grown = names.count > model.labels.count ? embeddings.extended(with: Array(names[model.labels.count...])) : embeddings
            progress?("embeddings (linear, continued)", 0, corpus.count, 0)
            let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: grown.tokenizer,
                                   bucketMask: UInt64(grown.params.buckets - 1), threads: grown.params.threads)
            let report = progress
            LinearTrainer.train(grown, on: bags, deadline: deadline) { done, total, loss in report?("embeddings (linear, continued)", done, total, loss) }
            continued = grown
        }
        let p = model.params
        var job = self
        job.gbdt.embeddings = p.embedding
        job.gbdt.embeddingsFrom = nil
        job.gbdt.continuedEmbeddings = continued
        // `--features auto` follows every name the model has learnt from, as under `--batch-size`, not the
        // sample and the batch: v2fly's 123 labels want 20+5 dimensions, which fewer than 10,000 names do not get.
        if job.gbdt.corpusSize == nil { job.gbdt.corpusSize = sample.seen.values.reduce(0, +) + corpus.count - rehearsed }
        job.gbdt.projection = p.projection
        job.gbdt.pooling = p.pooling
        job.gbdt.hashedBits = p.bucketBits
        job.gbdt.hashedDimension = p.dimension
        job.gbdt.hashesPerToken = p.hashesPerToken
        job.linear.tokenizer = p.tokenizer
        if p.embedding == .linear {
            job.linear.bucketBits = p.bucketBits
            job.linear.dimension = p.dimension
        }
        log(sample.isComplete ? "rehearsal: the sample holds every name \(initModelPath ?? "the model") was trained on: rebuilding the pipeline on them and the batch"
            : "rehearsal: the embedding model continued on the batch and the sample; projection and trees fitted anew on them")
        return job
    }
}
