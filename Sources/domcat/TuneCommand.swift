import ArgumentParser
import Dispatch
import Foundation
import Learners
import Registry
import Training
import Tuning

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search a kind's parameters within a time budget, scored on a validation file, and train the best into a model.",
        discussion: """
            Successive halving (Hyperband's brackets, η = 3) on shares of the training names; trial 0 is the defaults on all of \
            them. Trials train in-process on one core each, --parallel at once; none runs past the budget. The same --seed gives \
            the same trials and scores (a trial cut by its own share of the budget aside). The best is then trained on all of \
            TRAIN (reported apart from the budget), calibrated on VALID, and its parameters and search land in its header.
            """)

    @Argument(help: "Training corpus (domain<TAB>label, plain or .zst).") var train: String
    @Option(help: "Validation corpus: every trial is scored on it.") var valid: String
    @Option(help: "Wall time for the search, e.g. 300s, 5m, 1h (the final training comes after it).") var budget: String
    @Option(help: "linear or gbdt.") var kind: ModelKind = .linear
    @Option(help: "What to maximise on the validation names: macro-f1 or accuracy.") var metric: TuningMetric = .macroF1
    @Option(help: "Seed of the search and of every trial.") var seed: UInt64 = 1
    @Option(name: .shortAndLong, help: "Model file to write (the best parameters, trained on all of TRAIN).") var out: String
    @Option(help: "Trial log, one JSON object per line (default: the model file's name with .trials.jsonl).") var trials: String?
    @Flag(help: "Continue the search the trial log holds: its trials are taken, not trained again.") var resume = false
    @Option(help: "Record every trial in this registry's index and add the best model as a patch version.") var registry: String?
    @Option(help: "Trials at once, one core each.") var parallel: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "The model's name (default: the file name without .dcm).") var name: String?
    @Flag(name: .customLong("keep-www"), help: "Tokenise www.X as a name of its own, as train --keep-www.") var keepWWW = false
    @OptionGroup var suffixOptions: SuffixOptions

    var seconds: Double? { RetrainCommand.seconds(budget) ?? Double(budget).flatMap { $0 > 0 ? $0 : nil } }
    var trialsPath: String { trials ?? (out.hasSuffix(".dcm") ? String(out.dropLast(4)) : out) + ".trials.jsonl" }

    func validate() throws {
        guard seconds != nil else { throw ValidationError("--budget: a duration like 300s, 5m or 1h") }
        try Check.range(parallel, Check.threads, "--parallel")
        if kind == .fasttext { throw ValidationError("--kind: linear or gbdt (fasttext models are trained by libfasttext)") }
    }

    func run() throws {
        let started = DispatchTime.now()
        var template = TrainJob(corpusPaths: [train], outputPath: out, suffixes: try suffixOptions.load())
        template.name = name
        template.linear.tokenizer.ignoresLeadingWWW = !keepWWW
        var job = TuneJob(trainPath: train, validPath: valid, outputPath: out, trialsPath: trialsPath, budget: seconds!, template: template)
        job.started = started
        job.kind = kind
        job.metric = metric
        job.seed = seed
        job.resume = resume
        job.workers = parallel
        if let registry { job.registry = registryStep { try ModelRegistry(directory: registry) } }
        let line = TuneProgressLine(metric: metric)
        job.onStatus = line.update
        job.log = { message in line.clear(); note(message) }
        do {
            let outcome = try job.run()
            line.finish()
            print(TrialTable.render(outcome.trials, best: outcome.best, summaries: outcome.summaries, metric: metric), terminator: "")
            let finished = outcome.trials.filter { $0.status == .done }.count
            note(String(format: "search: %.1f s of a %.0f s budget, %d trials (%d finished, %d cut, %d failed, %d from the log); best: trial %d, valid %@ %.4f",
                        outcome.searchSeconds, seconds!, outcome.trials.count, finished, outcome.trials.filter { $0.status == .cut }.count,
                        outcome.trials.filter { $0.status == .failed }.count, outcome.trials.filter { $0.resumed == true }.count,
                        outcome.best.trial, metric.title, outcome.best.score ?? 0))
            var final = String(format: "final training on all %d examples: %.1f s → %@ (%@)", outcome.final.examples, outcome.final.seconds, out,
                               String(outcome.final.digest.prefix(12)))
            if let v = outcome.final.validation { final += String(format: "; valid accuracy %.4f macro-F1 %.4f", v.accuracy, v.macroF1) }
            if let version = outcome.version { final += "; registered as \(version)" }
            note(final)
        } catch {
            line.finish()
            fail(error)
        }
    }
}

extension TuningMetric: ExpressibleByArgument {}
