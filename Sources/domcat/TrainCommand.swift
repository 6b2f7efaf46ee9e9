import ArgumentParser
import Corpora
import DomainKit
import Foundation
import Learners
import Training

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on labelled corpora (domain<TAB>label, plain or .zst), or continue one.",
        discussion: "A header row (domain<TAB>label), blank lines and # comments are passed over; a label with whitespace or a control character is an error (exit 4), as is a corpus with fewer than two labels.")

    @Argument(help: "Corpus files.")
    var corpora: [String]

    @Option(name: .shortAndLong, help: "Model file to write.")
    var out: String

    @Option(help: ArgumentHelp("Continue training this linear or gbdt model on the new corpora (its kind is kept; new labels may join).",
                               discussion: "A fasttext model cannot be continued: \(ModelKind.fastTextCannotContinue)."))
    var initModel: String?

    @Flag(help: "With --init-model: train on the new corpora alone, without the earlier names the model keeps (its rehearsal sample).")
    var noRehearsal = false
    @Option(help: ArgumentHelp("How many of its training names the model keeps, to mix into later --init-model runs so they do not forget (0: none; default \(RehearsalSample.defaultCapacity), or the continued model's).",
                               discussion: "Per-label quotas: a floor for every label, the rest in proportion to the names seen."))
    var rehearsalSize: Int?

    @Option(help: "The model's name: its output columns and JSON key when several models run together (default: the file name without .dcm).")
    var name: String?

    @Option(help: "With --valid: choose the probability below which classify answers `unknown`, so that the answers given are right this often on the validation names (e.g. 0.9).")
    var unknownBelowPrecision: Double?

    @Option(help: "Validation corpus: its accuracy and macro-F1 go into the model header.")
    var valid: String?

    @Flag(help: "Do not keep the training names in the model. By default a name the model was trained on is answered with its training label (p 1, `--explain` says `trained=NAME`) and a continued model keeps its earlier names.")
    var noTrainedNames = false

    @Option(help: "Model kind (default: linear, or the --init-model's kind; fasttext cannot continue an earlier model).") var kind: ModelKind?
    @Option(help: "Names labelled two ways: keep-first (the label met first; a warning gives the count), drop (all their examples) or fail.")
    var conflicts: ConflictPolicy = .keepFirst
    @Option(help: "Embedding dimension (--output embedding; direct scores have one column per label).") var dim: Int = LinearParams().dimension
    @Option(help: "log2 of the hash bucket count (default \(LinearParams.directBucketBits) for linear's direct scores, \(LinearParams().bucketBits) for embeddings: gbdt's and --output embedding's).")
    var bucketBits: Int?
    @Option(help: "Epochs (default \(LinearParams().epochs); with --init-model, the continued model's).") var epochs: Int?
    @Option(help: "Initial learning rate, decaying linearly to 0 (default \(LinearParams().learningRate); with --init-model, the continued model's).")
    var lr: Float?
    @Option(help: "linear: how much more a rare label's examples weigh, 0…1 (label l with c names: c^-B, averaging 1 over the names, at most \(Int(LabelBalance.maxWeight))×): in SGD's steps, or in the SVMs' C.")
    var labelBalance: Float = 0
    @Option(help: "Shortest character n-gram of a label (gbdt's token vectors; linear with --label-ngrams).") var minn: Int = LinearParams().tokenizer.minn
    @Option(help: "Longest character n-gram of a label.") var maxn: Int = LinearParams().tokenizer.maxn
    @Flag(help: "linear: the labels' --minn…--maxn-grams as features too (the default before issue 16).") var labelNgrams = false
    @Option(help: "linear: shortest character n-gram of the whole name, across its dots (0: none).") var nameMinn: Int = LinearParams().tokenizer.nameNgrams?.min ?? 0
    @Option(help: "linear: longest character n-gram of the whole name.") var nameMaxn: Int = LinearParams().tokenizer.nameNgrams?.max ?? 0
    @Option(help: "linear: how a name's feature rows are pooled: idf (weighted by the training names' inverse document frequency, L2-normalised) or mean.")
    var weighting: FeatureWeighting = LinearParams().weighting ?? .mean
    @Option(help: "linear: direct (one score per label and feature: a linear model) or embedding (--dim floats per feature, then a label matrix).")
    var output: OutputLayer = LinearParams().output ?? .embedding
    @Option(help: "linear: svm (one-vs-rest linear SVMs, solved in the dual; the default with direct output) or softmax (cross-entropy by SGD over --epochs at --lr; the default with --output embedding).")
    var loss: LinearLoss?
    @Option(help: "linear --loss svm: the hinge's weight against regularisation (LIBLINEAR's C; higher fits the training names closer).")
    var cost: Float = LinearParams().cost ?? 1
    @Flag(name: .customLong("keep-www"), help: "Tokenise www.X as a name of its own (by default it is tokenised as X: the same site, the same answer).")
    var keepWWW = false
    @Option(help: "Training threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Random seed.") var seed: UInt64 = 1

    @Flag(help: "linear: write the model quantized (int8 rows, as `domcat quantize` makes them; --cutoff and --prune as there). It cannot be trained further.")
    var quantize = false
    @OptionGroup var quantizeOptions: QuantizeOptions
    @Flag(help: "Write the model zstd-compressed, for shipping: it is expanded once into the model cache when first loaded (by default a model file is laid out to be mapped and used in place).")
    var compress = false
    @OptionGroup var gbdtOptions: GBDTTrainOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        guard (8...28).contains(bucketBits ?? 20) else { throw ValidationError("--bucket-bits must be 8…28") }
        if let rehearsalSize { try Check.range(rehearsalSize, 0...RehearsalSample.maxCapacity, "--rehearsal-size") }
        if let unknownBelowPrecision {
            try Check.range(unknownBelowPrecision, 0.01...0.999, "--unknown-below-precision")
            if valid == nil { throw ValidationError("--unknown-below-precision needs --valid: the threshold is chosen on it") }
        }
        guard (1...1024).contains(dim) else { throw ValidationError("--dim must be 1…1024") }
        guard (lr ?? 1) > 0, minn >= 0, maxn >= minn else { throw ValidationError("need lr > 0, 0 ≤ minn ≤ maxn") }
        if let epochs { try Check.range(epochs, 1...10_000, "--epochs") }
        try Check.range(labelBalance, 0...1, "--label-balance")
        try Check.range(cost, 0.001...1000, "--cost")
        if loss == .svm, output != .direct { throw ValidationError("--loss svm needs --output direct: one SVM per label column") }
        try Check.range(maxn, 0...32, "--maxn")
        try Check.range(nameMaxn, 0...32, "--name-maxn")
        guard nameMinn >= 0, nameMaxn >= nameMinn else { throw ValidationError("need 0 ≤ --name-minn ≤ --name-maxn") }
        try Check.range(threads, Check.threads, "--threads")
        try quantizeOptions.check()
        if !quantize, quantizeOptions.cutoff != nil { throw ValidationError("--cutoff prunes a quantized table: give --quantize too") }
    }

    func run() throws {
        var job = TrainJob(corpusPaths: corpora, outputPath: out, suffixes: try suffixOptions.load())
        job.kind = kind
        job.conflicts = conflicts
        job.keepTrainedNames = !noTrainedNames
        job.initModelPath = initModel
        job.rehearse = !noRehearsal
        job.rehearsalCapacity = rehearsalSize
        job.name = name
        job.unknownPrecision = unknownBelowPrecision
        job.validPath = valid
        job.linear.dimension = dim
        // Direct scores measured the same at 2^20 as 2^21 buckets (issue 16), in half the memory.
        let direct = (kind ?? .linear) == .linear && output == .direct
        job.linear.bucketBits = bucketBits ?? (direct ? LinearParams.directBucketBits : job.linear.bucketBits)
        job.linear.epochs = epochs ?? job.linear.epochs
        job.linear.learningRate = lr ?? job.linear.learningRate
        job.keepsEarlierEpochs = epochs == nil
        job.keepsEarlierLearningRate = lr == nil
        job.linear.labelBalance = labelBalance > 0 ? labelBalance : nil
        job.linear.tokenizer.minn = minn
        job.linear.tokenizer.maxn = maxn
        job.linear.tokenizer.ignoresLeadingWWW = !keepWWW
        job.linear.tokenizer.labelNgrams = labelNgrams
        job.linear.tokenizer.nameNgrams = nameMinn > 0 ? NgramLengths(min: nameMinn, max: nameMaxn) : nil
        job.linear.weighting = weighting
        job.linear.output = output
        job.linear.loss = loss ?? (output == .direct ? .svm : .softmax)
        job.linear.cost = job.linear.trainsSVMs ? cost : nil
        job.linear.threads = threads
        job.linear.seed = seed
        job.gbdt = gbdtOptions.jobOptions()
        job.quantization = quantize ? quantizeOptions.quantization : nil
        job.compress = compress
        let bar = ProgressBar()
        job.progress = { bar.update($0, $1, $2, $3) }
        job.log = { note($0) }
        do {
            let outcome = try job.run()
            bar.finish()
            var line = String(format: "trained on %d examples (%d bad lines skipped), %d labels, %.1f s → %@ (%@)",
                              outcome.examples, outcome.skipped, outcome.labels.count, outcome.seconds, out, String(outcome.digest.prefix(12)))
            if let v = outcome.validation { line += String(format: "; valid accuracy %.4f macro-F1 %.4f", v.accuracy, v.macroF1) }
            note(line)
        } catch {
            bar.finish()
            fail(error)
        }
    }
}
