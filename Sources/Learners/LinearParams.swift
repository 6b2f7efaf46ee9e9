import DomainKit

/// Hyper-parameters of the `linear` kind; stored in the model header. Options added later are optional:
/// a header without them decodes to the model it was (nil = the old behaviour).
package struct LinearParams: Codable, Sendable, Equatable {
    package var dimension = 32
    /// log2 of the hash bucket count: the feature space is fixed, so batches never change it.
    package var bucketBits = 21
    package var epochs = 25
    package var learningRate: Float = 1.0
    package var threads = 2
    package var seed: UInt64 = 1
    package var tokenizer = TokenizerConfig()
    /// How a name's feature rows are pooled; nil: `.mean`.
    package var weighting: FeatureWeighting?
    /// What the pooled vector is; nil: `.embedding`.
    package var output: OutputLayer?
    /// How the table was made small (`domcat quantize`); nil: float rows.
    package var quantization: Quantization?
    /// How much rarer labels' examples weigh in training (`LabelBalance`); nil: 0, every example alike.
    package var labelBalance: Float?
    /// What training minimises; nil: `.softmax`.
    package var loss: LinearLoss?
    /// `.svm`: the squared hinge's weight against the regularisation (LIBLINEAR's C); nil: 1.
    package var cost: Float?
    /// With `.idf`: the bias feature's row added with weight 1 after the n-grams' rows are normalised, as
    /// `LinearSVC` appends its intercept, instead of pooled with them (where its weight is ~1/40 of a name's
    /// norm: a bias the regularisation all but forbids). nil: pooled (models before it).
    package var separateBias: Bool?

    /// The defaults generalise to names never seen (issue 16: measured on the validation splits):
    /// whole-name 2…5-grams instead of the labels' 3…6-grams, idf weights, one score column per label.
    package init() {
        tokenizer.labelNgrams = false
        tokenizer.nameNgrams = NgramLengths(min: 2, max: 5)
        weighting = .idf
        output = .direct
        loss = .svm
        cost = 1
        separateBias = true
    }

    package var buckets: Int { 1 << bucketBits }
    /// `train`'s bucket bits for direct scores: UT1 and v2fly valid the same at 2^20 as 2^21 (0.8394 / 0.6276
    /// and 0.8183 / 0.7953 with SVMs), half the table. Embeddings (gbdt's) keep 2^21.
    package static let directBucketBits = 20
    package var isDirect: Bool { output == .direct }
    /// One SVM per label column: `.svm` with direct scores (an embedding's rows are not a label's weights).
    package var trainsSVMs: Bool { loss == .svm && isDirect }
    /// Whether the first feature (the tokenizer's bias) is kept out of the normalised pool.
    package var biasOutsidePool: Bool { separateBias == true && weighting == .idf }

    /// The same parameters as models before issue 16 had them: mean-pooled label n-gram embeddings
    /// (what the gbdt pipeline pools per token, and what `--embeddings-from` reads).
    package var embeddingOnly: LinearParams {
        var p = self
        p.tokenizer.labelNgrams = nil
        p.tokenizer.nameNgrams = nil
        p.weighting = nil
        p.output = nil
        p.labelBalance = nil
        p.loss = nil
        p.cost = nil
        p.separateBias = nil
        return p
    }
}

package enum FeatureWeighting: String, Codable, Sendable, CaseIterable {
    /// The mean of the rows (fastText).
    case mean
    /// Each row weighted by its bucket's inverse document frequency, divided by the weights' L2 norm: a
    /// TF-IDF vector, as the linear SVM that set the bar reads names. Rare n-grams say more than `.com>`.
    case idf
}

package enum OutputLayer: String, Codable, Sendable, CaseIterable {
    /// Rows of `dimension` floats, then a learned labels × dimension matrix (fastText's low-rank model).
    case embedding
    /// Rows of one score per label, summed straight into the label scores: a plain linear model on the
    /// hashed features; `dimension` is the label count. Measured better on unseen names than the rank-32
    /// product (UT1 valid 0.837 vs 0.832 accuracy with the same features; v2fly, 123 labels, 0.805 vs 0.79).
    case direct
}

package enum LinearLoss: String, Codable, Sendable, CaseIterable {
    /// Cross-entropy of the softmax over labels, by SGD (fastText's loss).
    case softmax
    /// One-vs-rest linear SVMs (squared hinge, L2), solved in the dual (`SVMTrainer`); direct scores only.
    /// Measured above softmax on both corpora's validation splits (issue 16): UT1 0.839 / 0.628 against
    /// 0.836 / 0.620, v2fly 0.818 / 0.795 against 0.804 / 0.784.
    case svm
}
