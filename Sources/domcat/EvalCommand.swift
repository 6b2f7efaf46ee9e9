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
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(threads, Check.threads, "--threads") }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let loaded = loadModel(model, suffixes: suffixes)
        let corpus = readCorpus(testFile)
        let report = Evaluation.evaluate(loaded.classifier, domains: corpus.domains, truth: corpus.labels, threads: threads)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print(report.text(modelKind: loaded.header.kind, version: loaded.shortVersion), terminator: "")
    }
}
