import Corpora
import DomainKit
import Features
import Learners

/// Continued batches of a `gbdt` model whose embeddings are a `linear` model's table.
///
/// The trees read an LDA projection of label probabilities, and that *meaning* survives more training
/// of the linear model: probabilities only get sharper. So a later batch may keep training the
/// embedding model while the projection and shape selection stay those of batch 1 (the trees' split
/// thresholds stay meaningful). Each batch is featurised by the model *before* it sees the batch —
/// honest rows, as new names look at classify time — the new trees are fitted on those, and then the
/// linear model continues on the batch (new labels join it) and becomes the stored featurizer.
extension TrainJob {
    /// The embedding model a `gbdt` model was built from, rebuilt from its table and read-out
    /// (output rows in the gbdt's label order), ready to continue training with this job's epochs
    /// and learning rate.
    func embeddingModel(of model: GBDTClassifier) -> LinearModel? {
        guard model.params.embedding == .linear, let readout = model.featurizer.readout,
              let table = model.featurizer.pooling.embedding as? HashedEmbedding, table.seed == nil else { return nil }
        var params = linear.embeddingOnly
        params.bucketBits = model.params.bucketBits
        params.dimension = model.params.dimension
        params.tokenizer = model.params.tokenizer
        let input = FloatTable(rows: table.buckets, columns: table.dimension)
        _ = input.storage.initialize(from: table.values)
        let output = FloatTable(rows: readout.outputDimension, columns: readout.inputDimension)
        _ = output.storage.initialize(from: readout.components)
        return LinearModel(labels: model.labels, params: params, tokenizer: model.featurizer.pooling.tokenizer, input: input, output: output)
    }

    /// The featurizer after `corpus`: the embedding model continued on it (labels `names`, earlier ones
    /// first), token counts grown by its first `counted` names (the new batch), the same projection — with each new label's probability
    /// folded into the earlier labels' mix its names had before it was known — and shape selection.
    func continuedFeaturizer(_ earlier: GBDTClassifier, embeddings model: LinearModel, corpus: LabelledCorpus,
                             names: [String], indices: [Int32], counted: Int) -> Featurizer {
        let before = earlier.featurizer
        let known = earlier.labels.count
        let newLabels = Array(names[known...])
        var mixtures: [[Float]] = []
        if !newLabels.isEmpty, let readout = before.readout {
            let probabilities = Featurizer(pooling: before.pooling, readout: readout, projection: .identity(readout.outputDimension), shapeSelection: [])
            let rows = indices.indices.filter { Int(indices[$0]) >= known }
            let scores = GBDTClassifier.featureRows(probabilities, domains: rows.map { corpus.domains[$0] }, threads: linear.threads)
            mixtures = [[Float]](repeating: [Float](repeating: 0, count: known), count: newLabels.count)
            var counts = [Float](repeating: 0, count: newLabels.count)
            for (j, r) in rows.enumerated() {
                let label = Int(indices[r]) - known
                counts[label] += 1
                for c in 0..<known { mixtures[label][c] += scores[j * known + c] }
            }
            for label in mixtures.indices { for c in 0..<known { mixtures[label][c] /= max(counts[label], 1) } }
        }
        let grown = newLabels.isEmpty ? model : model.extended(with: newLabels)
        progress?("embeddings (linear, continued)", 0, corpus.count, 0)
        let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: grown.tokenizer,
                               bucketMask: UInt64(grown.params.buckets - 1), threads: grown.params.threads)
        let report = progress
        LinearTrainer.train(grown, on: bags, deadline: deadline) { done, total, loss in report?("embeddings (linear, continued)", done, total, loss) }

        var frequencies = before.pooling.frequencies
        var hashes: [UInt64] = []
        // Rehearsed names (after the first `counted`) were counted when they were new.
        for domain in corpus.domains.prefix(counted) { frequencies.add(domain, tokenizer: before.pooling.tokenizer, scratch: &hashes) }
        let table = HashedEmbedding(learned: UnsafeBufferPointer(grown.input.storage), bucketBits: grown.params.bucketBits,
                                    dimension: grown.params.dimension)
        let pooling = AttentionPooling(tokenizer: before.pooling.tokenizer, embedding: table, frequencies: frequencies,
                                       weighting: before.pooling.weighting, kindScales: before.pooling.kindScales)
        return Featurizer(pooling: pooling, readout: .labelScores(grown, names: names),
                          projection: before.projection.appendingInputs(asMixturesOf: mixtures), shapeSelection: before.shapeSelection)
    }
}
