import ArgumentParser
import Corpora
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

    @Option(help: "Model kind (default: linear, or the --init-model's kind; fasttext cannot continue an earlier model).") var kind: ModelKind?
    @Option(help: "Names labelled two ways: keep-first (the label met first; a warning gives the count), drop (all their examples) or fail.")
    var conflicts: ConflictPolicy = .keepFirst
    @Option(help: "Embedding dimension.") var dim: Int = LinearParams().dimension
    @Option(help: "log2 of the hash bucket count.") var bucketBits: Int = LinearParams().bucketBits
    @Option(help: "Epochs.") var epochs: Int = LinearParams().epochs
    @Option(help: "Initial learning rate (decays linearly to 0).") var lr: Float = LinearParams().learningRate
    @Option(help: "Shortest character n-gram.") var minn: Int = LinearParams().tokenizer.minn
    @Option(help: "Longest character n-gram.") var maxn: Int = LinearParams().tokenizer.maxn
    @Flag(name: .customLong("keep-www"), help: "Tokenise www.X as a name of its own (by default it is tokenised as X: the same site, the same answer).")
    var keepWWW = false
    @Option(help: "Training threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Random seed.") var seed: UInt64 = 1

    @OptionGroup var gbdtOptions: GBDTTrainOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        guard (8...28).contains(bucketBits) else { throw ValidationError("--bucket-bits must be 8…28") }
        if let rehearsalSize { try Check.range(rehearsalSize, 0...RehearsalSample.maxCapacity, "--rehearsal-size") }
        if let unknownBelowPrecision {
            try Check.range(unknownBelowPrecision, 0.01...0.999, "--unknown-below-precision")
            if valid == nil { throw ValidationError("--unknown-below-precision needs --valid: the threshold is chosen on it") }
        }
        guard (1...1024).contains(dim) else { throw ValidationError("--dim must be 1…1024") }
        guard epochs >= 1, lr > 0, minn >= 0, maxn >= minn else { throw ValidationError("need epochs ≥ 1, lr > 0, 0 ≤ minn ≤ maxn") }
        try Check.range(epochs, 1...10_000, "--epochs")
        try Check.range(maxn, 0...32, "--maxn")
        try Check.range(threads, Check.threads, "--threads")
    }

    func run() throws {
        var job = TrainJob(corpusPaths: corpora, outputPath: out, suffixes: try suffixOptions.load())
        job.kind = kind
        job.conflicts = conflicts
        job.initModelPath = initModel
        job.rehearse = !noRehearsal
        job.rehearsalCapacity = rehearsalSize
        job.name = name
        job.unknownPrecision = unknownBelowPrecision
        job.validPath = valid
        job.linear.dimension = dim
        job.linear.bucketBits = bucketBits
        job.linear.epochs = epochs
        job.linear.learningRate = lr
        job.linear.tokenizer.minn = minn
        job.linear.tokenizer.maxn = maxn
        job.linear.tokenizer.ignoresLeadingWWW = !keepWWW
        job.linear.threads = threads
        job.linear.seed = seed
        job.gbdt = gbdtOptions.jobOptions()
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
