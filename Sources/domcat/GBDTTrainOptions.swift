import ArgumentParser
import Features
import Learners
import Training

/// `domcat train --kind gbdt` options (ignored by the other kinds).
struct GBDTTrainOptions: ParsableArguments {
    @Option(help: "gbdt: token embeddings: linear (a linear model trained first; supervised), hashed (seeded random), fasttext (skipgram with subwords).")
    var embeddings: String = "linear"
    @Option(help: "gbdt: reuse this linear model's input table as the embeddings.") var embeddingsFrom: String?
    @Option(help: "gbdt: unlabelled names (one per line) that join the fastText embedding corpus.") var unlabelled: [String] = []
    @Option(help: "gbdt: 'auto' (sizes follow the corpus) or P+S projected + shape dimensions, e.g. 20+5.") var features: String = "auto"
    @Option(help: "gbdt: projection of the pooled vectors: lda or pca.") var projection: String = "lda"
    @Option(help: "gbdt: token weights of the pooling: features (as a linear table was trained; default for linear embeddings), learned (features times a multiplier per token kind, fitted on out-of-fold names) or inverse-frequency (default otherwise).")
    var pooling: String?
    @Option(help: "gbdt: log2 buckets of a hashed (random) table.") var hashedBits: Int = 20
    @Option(help: "gbdt: width of a hashed (random) table.") var hashedDim: Int = 64
    @Option(help: "gbdt: hashes per token summed (Bloom embeddings), hashed tables only.") var hashesPerToken: Int = 1
    @Flag(help: "gbdt with --init-model: refit embeddings, frequencies, projection and shape selection on the new data and grow new trees (labels kept).")
    var retrainEmbeddings = false
    @Flag(help: "gbdt with --init-model or --batch-size: keep the linear embedding model of the first batch (only add trees) instead of continuing it on each batch.")
    var freezeEmbeddings = false
    @Option(help: "gbdt: read the corpus this many examples at a time, each batch continuing the last model.") var batchSize: Int?
    @Option(help: "gbdt: boosting rounds (default from --features).") var rounds: Int?
    @Option(help: "gbdt: leaves per tree (default from --features).") var leaves: Int?
    @Option(help: "gbdt: learning rate.") var gbdtLr: Float = 0.1
    @Option(help: "gbdt: L2 penalty on leaf values.") var lambdaL2: Float = 1
    @Option(help: "gbdt: write the exact training rows the trees saw (TSV, as `domcat features`).") var exportTrainFeatures: String?
    @Option(help: "gbdt: stop after this many rounds without validation improvement (0: never).") var earlyStopping: Int = 10

    func jobOptions() throws -> GBDTJobOptions {
        var o = GBDTJobOptions()
        guard let source = GBDTPipelineParams.EmbeddingSource(rawValue: embeddings) else { throw ValidationError("--embeddings: hashed, linear or fasttext") }
        guard let kind = ProjectionKind(rawValue: projection) else { throw ValidationError("--projection: lda or pca") }
        guard (8...28).contains(hashedBits), (1...1024).contains(hashedDim), (1...8).contains(hashesPerToken) else {
            throw ValidationError("need --hashed-bits 8…28, --hashed-dim 1…1024, --hashes-per-token 1…8")
        }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be positive") }
        o.embeddings = source
        if let pooling {
            guard let weighting = PoolingWeights(rawValue: pooling) else { throw ValidationError("--pooling: features, learned or inverse-frequency") }
            if weighting == .learned, source != .linear || embeddingsFrom != nil {
                throw ValidationError("--pooling learned needs --embeddings linear trained here (no --embeddings-from): it is fitted on the out-of-fold models")
            }
            o.pooling = weighting
        }
        o.embeddingsFrom = embeddingsFrom
        o.unlabelledPaths = unlabelled
        o.features = features
        o.projection = kind
        o.hashedBits = hashedBits
        o.hashedDimension = hashedDim
        o.hashesPerToken = hashesPerToken
        o.retrainEmbeddings = retrainEmbeddings
        o.batchSize = batchSize
        o.freezeEmbeddings = freezeEmbeddings
        o.rounds = rounds
        o.leaves = leaves
        o.learningRate = gbdtLr
        o.lambdaL2 = lambdaL2
        o.earlyStoppingRounds = earlyStopping
        o.exportTrainRowsPath = exportTrainFeatures
        return o
    }
}
