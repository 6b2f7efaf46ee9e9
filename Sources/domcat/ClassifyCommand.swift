import ArgumentParser
import Foundation
import Streaming

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label every name read from stdin or files: one output line per input line, in order.")

    @Argument(help: "Model file (.dcm). The default model when omitted.")
    var model: String?

    @Option(name: [.customShort("i"), .customLong("in")], help: "Input file (plain, .zst, or '-' for stdin); repeatable.")
    var inputs: [String] = []

    @Option(help: "Output format: tsv, jsonl, annotate.")
    var format: String = "tsv"

    @Option(help: "Labels in the top-k (jsonl).")
    var k: Int = 3

    @Option(help: "Input format: auto, \(LogFormatKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var input: String = "auto"

    @Option(help: "For csv/tsv input: the column holding the name (1-based index or header name).")
    var column: String?

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Cached names per worker (0: no cache).")
    var cacheEntries: Int = 65_536

    @Option(help: "Only print names given one of these labels (comma-separated).")
    var only: String?

    @Option(name: .customLong("min-p"), help: "Only print names classified with at least this probability.")
    var minP: Float = 0

    @Flag(help: "Leave out lines that hold no query (log chatter) instead of echoing them as !noquery.")
    var skipNoQuery = false

    @Flag(help: "Input on stdin is zstd-compressed (files are detected by their magic bytes).")
    var zstd = false

    @Option(name: [.customShort("f"), .customLong("follow")], help: "Follow a growing log file across rotation (like tail -F), from its start.")
    var follow: String?

    @Flag(help: "No summary on stderr at the end (SIGUSR1 still prints one).")
    var quiet = false

    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let suffixes = try suffixOptions.load()
        let loaded = loadModel(model, suffixes: suffixes)
        var options = ClassifyOptions()
        guard let output = OutputFormat(rawValue: format) else { fail("unknown --format \(format) (tsv, jsonl, annotate)", code: 2) }
        options.output = output
        options.topK = max(1, k)
        if input != "auto" {
            guard let kind = LogFormatKind(rawValue: input) else {
                fail("unknown --input \(input) (auto, \(LogFormatKind.allCases.map(\.rawValue).joined(separator: ", ")))", code: 2)
            }
            options.input = kind
        }
        options.column = column
        options.threads = max(1, threads)
        options.cacheEntries = max(0, cacheEntries)
        options.passNoQuery = !skipNoQuery
        options.minProbability = minP
        if let only {
            let wanted = Set(only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(loaded.classifier.labels)
            if !unknown.isEmpty { fail("--only names labels this model does not have: \(unknown.sorted().joined(separator: ", "))", code: 2) }
            options.onlyLabels = wanted
        }
        var readers: [LineReader] = []
        do {
            if let follow {
                readers.append(try LineReader.follow(path: follow))
            } else {
                for path in inputs.isEmpty ? ["-"] : inputs {
                    readers.append(try LineReader.open(path: path, compression: path == "-" && zstd ? .zstd : .auto))
                }
            }
        } catch { fail("\(error)", code: ExitCodes.input) }
        let pipeline = ClassifyPipeline(classifier: loaded.classifier, options: options)
        let started = Date()
        let labels = loaded.classifier.labels
        let summarySignal = SignalWatcher(SIGUSR1) {
            let text = pipeline.snapshot().summary(labels: labels, seconds: Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data(text.utf8))
        }
        defer { summarySignal.cancel() }
        do {
            try pipeline.run(readers, sink: OutputSink())
        } catch OutputError.closed {
            // `| head` closed our output: the reader got what it wanted; leave quietly.
            return
        } catch let error as OutputError {
            fail(error.description, code: ExitCodes.output)
        } catch {
            fail("\(error)", code: ExitCodes.input)
        }
        if !quiet {
            FileHandle.standardError.write(Data(pipeline.stats.summary(labels: labels, seconds: Date().timeIntervalSince(started)).utf8))
        }
    }
}
