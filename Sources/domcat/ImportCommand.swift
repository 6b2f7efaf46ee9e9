import ArgumentParser
import Corpora
import Foundation
import Learners
import Lines
import ModelStore
import Streaming

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn other formats into domcat corpora (domain<TAB>label).",
        subcommands: [ImportABP.self, ImportDefaultCorpus.self, ImportFastText.self])
}

/// Any ABP / uBlock Origin filter list: its `||host^` rules (and hosts-file lines) under one label.
struct ImportABP: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "abp", abstract: "Hosts blocked by ABP/uBlock filter lists, under one label.")

    @Argument(help: "Filter list files.") var lists: [String]
    @Option(help: "Label for every host.") var label: String
    @Flag(help: "Also take the sites named by cosmetic rules (site.com##…), labelled 'site'.") var cosmetic = false
    @Option(help: "Output corpus file ('-' for stdout).") var out: String = "-"

    func validate() throws {
        if let problem = CorpusLabel.problem(label) { throw ValidationError("--label \(CorpusLabel.quoted(label)) \(problem)") }
    }

    func run() throws {
        let sources = lists.map { LabelledSource(path: $0, label: label) }
        let built: (pairs: [(String, String)], conflictsDropped: Int)
        do { built = try DefaultCorpus.build(lists: sources, cosmeticFrom: cosmetic ? lists : []) } catch { fail("\(error)", code: ExitCodes.input) }
        writeCorpus(DefaultCorpus.tsv(built.pairs), to: out, inputs: lists)
        note("\(built.pairs.count) hosts, \(built.conflictsDropped) under two labels dropped")
    }
}

/// The default model's corpus, from Debian's webext-ublock-origin-firefox package.
struct ImportDefaultCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default-corpus",
        abstract: "EasyList → ads, EasyPrivacy → tracking, uBlock badware → badware, cosmetic-rule sites → site (Debian's uBlock Origin package).")

    @Option(help: "Root of the uBlock Origin extension files.") var root: String = DefaultCorpus.debianRoot
    @Option(help: "Output corpus file ('-' for stdout).") var out: String = "-"

    func run() throws {
        let sources = DefaultCorpus.debianSources(root: root)
        let built: (pairs: [(String, String)], conflictsDropped: Int)
        do {
            built = try DefaultCorpus.build(lists: sources.lists, cosmeticFrom: sources.cosmeticFrom)
        } catch {
            fail("\(error) (install Debian's webext-ublock-origin-firefox or pass --root)", code: ExitCodes.input)
        }
        writeCorpus(DefaultCorpus.tsv(built.pairs), to: out, inputs: sources.lists.map(\.path) + sources.cosmeticFrom)
        var counts: [String: Int] = [:]
        for (_, label) in built.pairs { counts[label, default: 0] += 1 }
        note("\(built.pairs.count) hosts (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
             + "), \(built.conflictsDropped) under two labels dropped")
    }
}

/// Wraps a fastText supervised `.bin` into a `.dcm`, so it gets a version, a header and the same tooling.
struct ImportFastText: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fasttext", abstract: "Wrap a fastText supervised .bin as a domcat model.")

    @Argument(help: "fastText supervised model (.bin or .ftz).") var bin: String
    @Option(help: "Model file to write.") var out: String
    @Flag(help: "The model was trained on domcat's word tokens (`domcat tokens`), not on whole names.") var tokenize = false
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let suffixes = try suffixOptions.load()
        do {
            let loaded = try FastTextCodec.load(bin: bin, input: tokenize ? .tokens : .name, suffixes: suffixes)
            guard let classifier = loaded.classifier as? FastTextClassifier else { fail("\(bin) did not load as fastText", code: ExitCodes.model) }
            var header = loaded.header
            header.corpusDigest = "fasttext-bin:sha256:" + loaded.digest
            try FastTextCodec.encode(classifier, header: header).write(to: out, inputs: [bin])
            note("\(bin) → \(out): \(classifier.labels.count) labels")
        } catch {
            fail(error)
        }
    }
}

func writeCorpus(_ text: String, to path: String, inputs: [String]) {
    do { try OutputSink.create(path, inputs: inputs).write(Array(text.utf8)) } catch OutputError.closed {} catch { fail("\(error)", code: ExitCodes.output) }
}
