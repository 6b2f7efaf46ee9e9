import ArgumentParser
import Corpora
import Foundation
import Learners

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy, macro-F1, per-label precision/recall/F1 and the most confused pairs on a labelled file.")

    @Argument(help: "Model file.") var model: String
    @Argument(help: "Labelled test corpus (domain<TAB>label).") var testFile: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Also draw the reliability diagram and the confusion matrix into this SVG file.") var plot: String?
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(threads, Check.threads, "--threads") }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let loaded = loadModel(model, suffixes: suffixes)
        let corpus = readCorpus(testFile)
        let report = Evaluation.evaluate(loaded.classifier, domains: corpus.domains, truth: corpus.labels, threads: threads)
        if let plot {
            let svg = report.svg(title: "\(loaded.header.kind) model \(loaded.shortVersion) on \((testFile as NSString).lastPathComponent)")
            do { try Data(svg.utf8).write(to: URL(fileURLWithPath: plot)) } catch { fail("cannot write \(plot): \(error.localizedDescription)", code: ExitCodes.output) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(report.text(modelKind: loaded.header.kind, version: loaded.shortVersion), terminator: "")
    }
}
