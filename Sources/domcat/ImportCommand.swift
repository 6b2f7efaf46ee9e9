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

/// The default models' corpora: Debian's uBlock Origin lists and the shipped UT1 and v2fly corpora.
struct ImportDefaultCorpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default-corpus",
        abstract: "The corpus of a default model: category (ads, tracking, badware from Debian's uBlock Origin; UT1's categories; none) or service (v2fly's services; none).")

    @Option(name: .customLong("set"), help: "Which default model's corpus.") var set: DefaultSets.Set
    @Option(help: "Root of the uBlock Origin extension files.") var root: String = DefaultCorpus.debianRoot
    @Option(help: "The UT1 corpus.") var ut1: String = "corpora/ut1/ut1-2025-08-17.tsv.zst"
    @Option(help: "The v2fly corpus.") var v2fly: String = "corpora/v2fly/v2fly-2025-08-20.tsv.zst"
    @Option(help: "Most names a label keeps (sampled by hash).") var cap: Int = DefaultSets.defaultCap
    @Option(help: "Output corpus file ('-' for stdout).") var out: String = "-"
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(cap, 1...Int(Int32.max), "--cap") }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let sources = DefaultCorpus.debianSources(root: root)
        let ublock: [(String, String)]
        do {
            ublock = try DefaultCorpus.build(lists: sources.lists, cosmeticFrom: sources.cosmeticFrom).pairs
        } catch {
            fail("\(error) (install Debian's webext-ublock-origin-firefox or pass --root)", code: ExitCodes.input)
        }
        let ut1Corpus: LabelledCorpus, v2flyCorpus: LabelledCorpus
        do {
            ut1Corpus = try LabelledCorpus.read(paths: [ut1])
            v2flyCorpus = try LabelledCorpus.read(paths: [v2fly])
        } catch { fail("\(error)", code: ExitCodes.input) }
        let pairs = DefaultSets.build(set, ublock: ublock, ut1: ut1Corpus, v2fly: v2flyCorpus, suffixes: suffixes, cap: cap)
        writeCorpus(DefaultCorpus.tsv(pairs), to: out, inputs: sources.lists.map(\.path) + sources.cosmeticFrom + [ut1, v2fly])
        var counts: [String: Int] = [:]
        for (_, label) in pairs { counts[label, default: 0] += 1 }
        note("\(set.rawValue): \(pairs.count) names, \(counts.count) labels (" + counts.sorted { $0.value > $1.value }.prefix(12)
             .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + (counts.count > 12 ? ", …)" : ")"))
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
            guard let classifier = loaded.learned as? FastTextClassifier else { fail("\(bin) did not load as fastText", code: ExitCodes.model) }
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
