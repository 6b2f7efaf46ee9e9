import ArgumentParser
import Features
import Learners
import Training

/// `domcat train --kind gbdt` options (ignored by the other kinds).
struct GBDTTrainOptions: ParsableArguments {
    @Option(help: "gbdt: token embeddings: linear (a linear model trained first; supervised), hashed (seeded random), fasttext (skipgram with subwords).")
    var embeddings: GBDTPipelineParams.EmbeddingSource = GBDTJobOptions().embeddings
    @Option(help: "gbdt: reuse this linear model's input table as the embeddings.") var embeddingsFrom: String?
    @Option(help: "gbdt: unlabelled names (one per line) that join the fastText embedding corpus.") var unlabelled: [String] = []
    @Option(help: "gbdt: 'auto' (sizes follow the corpus) or P+S projected + shape dimensions, e.g. 20+5.") var features: String = GBDTJobOptions().features
    @Option(help: "gbdt: projection of the pooled vectors.") var projection: ProjectionKind = GBDTJobOptions().projection
    @Option(help: "gbdt: token weights of the pooling: features (as a linear table was trained; default for linear embeddings), learned (features times a multiplier per token kind, fitted on out-of-fold names) or inverse-frequency (default otherwise).")
    var pooling: PoolingWeights?
    @Option(help: "gbdt: log2 buckets of a hashed (random) table.") var hashedBits: Int = GBDTJobOptions().hashedBits
    @Option(help: "gbdt: width of a hashed (random) table.") var hashedDim: Int = GBDTJobOptions().hashedDimension
    @Option(help: "gbdt: hashes per token summed (Bloom embeddings), hashed tables only.") var hashesPerToken: Int = GBDTJobOptions().hashesPerToken
    @Flag(help: "gbdt with --init-model: refit embeddings, frequencies, projection and shape selection on the new data and grow new trees (labels kept).")
    var retrainEmbeddings = false
    @Flag(help: "gbdt with --init-model or --batch-size: keep the linear embedding model of the first batch (only add trees) instead of continuing it on each batch.")
    var freezeEmbeddings = false
    @Option(help: "gbdt: read the corpus this many examples at a time, each batch continuing the last model.") var batchSize: Int?
    @Option(help: "gbdt: boosting rounds (default from --features).") var rounds: Int?
    @Option(help: "gbdt: leaves per tree (default from --features).") var leaves: Int?
    @Option(help: "gbdt: learning rate.") var gbdtLr: Float = GBDTJobOptions().learningRate
    @Option(help: "gbdt: L2 penalty on leaf values.") var lambdaL2: Float = GBDTJobOptions().lambdaL2
    @Option(help: "gbdt: write the exact training rows the trees saw (TSV, as `domcat features`).") var exportTrainFeatures: String?
    @Option(help: "gbdt: stop after this many rounds without validation improvement (0: never).") var earlyStopping: Int = GBDTJobOptions().earlyStoppingRounds

    func validate() throws {
        try Check.range(hashedBits, 8...28, "--hashed-bits")
        try Check.range(hashedDim, 1...1024, "--hashed-dim")
        try Check.range(hashesPerToken, 1...8, "--hashes-per-token")
        if let batchSize { try Check.range(batchSize, 1...Int.max, "--batch-size") }
        if let rounds { try Check.range(rounds, 0...100_000, "--rounds") }
        if let leaves { try Check.range(leaves, 2...65_536, "--leaves") }
        try Check.range(earlyStopping, 0...100_000, "--early-stopping")
        guard gbdtLr > 0, gbdtLr <= 1, lambdaL2 >= 0 else { throw ValidationError("need 0 < --gbdt-lr ≤ 1 and --lambda-l2 ≥ 0") }
        if pooling == .learned, embeddings != .linear || embeddingsFrom != nil {
            throw ValidationError("--pooling learned needs --embeddings linear trained here (no --embeddings-from): it is fitted on the out-of-fold models")
        }
    }

    /// The library's options, with the defaults above taken from it.
    func jobOptions() -> GBDTJobOptions {
        var o = GBDTJobOptions()
        o.embeddings = embeddings
        o.pooling = pooling
        o.embeddingsFrom = embeddingsFrom
        o.unlabelledPaths = unlabelled
        o.features = features
        o.projection = projection
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
