import ArgumentParser
import Corpora
import Foundation
import Lines
import Streaming

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a corpus into train/valid/test by registrable domain (FNV-1a 64 of the eTLD+1, % 10: 0 test, 1 valid, else train).")

    @Argument(help: "Corpus (domain<TAB>label, plain or .zst).") var corpus: String
    @Option(help: "Folder for train.tsv, valid.tsv, test.tsv.") var out: String
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let suffixes = try suffixOptions.load()
        let data = readCorpus(corpus)
        let counts: [CorpusSplit.Part: Int]
        do { counts = try CorpusSplit.write(data, suffixes: suffixes, to: out, inputs: [corpus]) } catch { fail("\(error)", code: ExitCodes.output) }
        note("train \(counts[.train] ?? 0), valid \(counts[.valid] ?? 0), test \(counts[.test] ?? 0), skipped \(data.skipped) → \(out)")
    }
}
