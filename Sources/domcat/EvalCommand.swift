import ArgumentParser
import Corpora
import Foundation
import Learners

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy, macro-F1, per-label precision/recall/F1 and the most confused pairs on a labelled file.")

    @Argument(help: "Model files, then the labelled test corpus (domain<TAB>label). Several models are each scored on it, in order.")
    var files: [String]
    @Flag(help: "Print the report as JSON (with several models: one report per model name).") var json = false
    @Option(help: "Also draw the reliability diagram and the confusion matrix into this SVG file (the first model's).") var plot: String?
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        try Check.range(threads, Check.threads, "--threads")
        guard files.count >= 2 else { throw ValidationError("give a MODEL and a TEST file") }
    }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let testFile = files[files.count - 1]
        let models = loadModels(Array(files.dropLast()), suffixes: suffixes)
        let corpus = readCorpus(testFile)
        let reports = models.map { Evaluation.evaluate($0.classifier, domains: corpus.domains, truth: corpus.labels, threads: threads) }
        if let plot {
            let svg = reports[0].svg(title: "\(models[0].name) (\(models[0].header.kind) \(models[0].shortVersion)) on \((testFile as NSString).lastPathComponent)")
            do { try Data(svg.utf8).write(to: URL(fileURLWithPath: plot)) } catch { fail("cannot write \(plot): \(error.localizedDescription)", code: ExitCodes.output) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = models.count == 1 ? try encoder.encode(reports[0])
                : try encoder.encode(Dictionary(zip(models, reports).map { ($0.name, $1) }, uniquingKeysWith: { first, _ in first }))
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for (model, report) in zip(models, reports) {
            if models.count > 1 { print("== \(model.name)") }
            print(report.text(modelKind: model.header.kind, version: model.shortVersion), terminator: "")
        }
    }
}
