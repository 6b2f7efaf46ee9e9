import ArgumentParser
import Foundation
import Learners
import Training

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Make a linear model small: int8 table rows with a scale per row, optionally only the most important rows.",
        discussion: "The small model answers as the float one up to rounding; it keeps the float model's lineage (a patch version in the registry) and names it in its header (quantizedFrom). It is not trained further: continue the float model.")

    @Argument(help: "A linear model file.") var model: String
    @Option(name: .shortAndLong, help: "Model file to write.") var out: String
    @OptionGroup var options: QuantizeOptions
    @Option(help: "With --prune use: count the buckets' use on these corpora (default: the model's own training counts, which idf models keep).")
    var train: [String] = []
    @Option(help: "Validation corpus: the small model's accuracy and macro-F1 go into its header (without it, the float model's figures are dropped).")
    var valid: String?
    @Flag(help: "Write the model zstd-compressed, for shipping: it is expanded once into the model cache when first loaded.")
    var compress = false
    @Option(help: "Threads for counting and validation.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        try options.check()
        try Check.range(threads, Check.threads, "--threads")
        if !train.isEmpty, options.prune != .use { throw ValidationError("--train counts the buckets' use: it goes with --prune use") }
    }

    func run() throws {
        var job = QuantizeJob(modelPath: model, outputPath: out, suffixes: try suffixOptions.load())
        job.quantization = options.quantization
        job.usePaths = train
        job.validPath = valid
        job.threads = threads
        job.compress = compress
        do {
            let outcome = try job.run()
            var line = "quantized \(model) → \(out) (\(outcome.digest.prefix(12))): \(outcome.kept) of \(outcome.rows) rows kept as int8"
            if let v = outcome.validation { line += String(format: "; valid accuracy %.4f macro-F1 %.4f", v.accuracy, v.macroF1) }
            note(line)
        } catch {
            fail(error)
        }
    }
}

/// The options `quantize` and `train --quantize` share.
struct QuantizeOptions: ParsableArguments {
    @Option(help: "Keep only this many rows of the table, the most important by --prune; the others answer as the zero row.")
    var cutoff: Int?
    @Option(help: "What makes a row important: norm (its L2 norm, times its idf weight) or use (how many training names have the feature).")
    var prune: Pruning?

    var quantization: Quantization { Quantization(cutoff: cutoff, prune: prune) }

    func check() throws {
        if let cutoff { try Check.range(cutoff, 1...(1 << 28), "--cutoff") }
        if prune != nil, cutoff == nil { throw ValidationError("--prune chooses the rows --cutoff keeps: give --cutoff too") }
    }
}
