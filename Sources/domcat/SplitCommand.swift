import ArgumentParser
import Corpora
import Foundation
import Lines
import Streaming

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a corpus into train/valid/test by registrable domain (FNV-1a 64 of the eTLD+1, % 10: 0 test, 1 valid, else train).",
        discussion: "--stratified keeps each label's share 80/10/10 in train/valid/test instead, every registrable name still in one part.")

    @Argument(help: "Corpus (domain<TAB>label, plain or .zst).") var corpus: String
    @Option(help: "Folder for train.tsv, valid.tsv, test.tsv.") var out: String
    @Flag(help: "Keep each label's share (80% train, 10% valid, 10% test), every registrable name in one part (a stratified group split; deterministic).")
    var stratified = false
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let suffixes = try suffixOptions.load()
        let data = readCorpus(corpus)
        let counts: [CorpusSplit.Part: Int]
        do { counts = try CorpusSplit.write(data, suffixes: suffixes, to: out, inputs: [corpus], stratified: stratified) } catch { fail("\(error)", code: ExitCodes.output) }
        note("train \(counts[.train] ?? 0), valid \(counts[.valid] ?? 0), test \(counts[.test] ?? 0), skipped \(data.skipped) → \(out)")
    }
}
