import ArgumentParser
import Corpora
import DomainKit
import Foundation
import Lines
import Streaming

struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Print domcat's word tokens of a labelled corpus in fastText's format (__label__L tok …), so peers train on the same tokens.",
        discussion: "A file of names without labels is an error (exit 4) unless --unlabelled says so.")

    @Argument(help: "Corpus (domain<TAB>label, plain or .zst; with --unlabelled, names one per line).") var corpus: String
    @Flag(help: "Names only (a label column, if any, is ignored): one line of tokens per name.") var unlabelled = false
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let tokenizer = Tokenizer(suffixes: try suffixOptions.load())
        let data = unlabelled
            ? readCorpus(corpus, labels: .ignored)
            : readCorpus(corpus, hint: "; a file of names alone is read with --unlabelled")
        var out: [UInt8] = []
        let sink = OutputSink()
        for (domain, label) in zip(data.domains, data.labels) {
            if !unlabelled { out.append(contentsOf: "__label__\(label) ".utf8) }
            out.append(contentsOf: tokenizer.wordLine(domain).utf8)
            out.append(0x0A)
            if out.count > 1 << 20 { try write(sink, &out) }
        }
        try write(sink, &out)
    }

    private func write(_ sink: OutputSink, _ out: inout [UInt8]) throws {
        do { try sink.write(out) } catch OutputError.closed { Foundation.exit(0) } catch { fail("\(error)", code: ExitCodes.output) }
        out.removeAll(keepingCapacity: true)
    }
}
