import Features
import Learners

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
    /// Set by a continuation with a partial rehearsal sample: the earlier embedding model, continued on
    /// the batch and the sample, to build the new pipeline on instead of training one from scratch.
    var continuedEmbeddings: LinearModel?
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
