import ArgumentParser
import Foundation
import Learners
import Lines
import Streaming

/// Input, log-format and threading options shared by `classify` and `extract`, and the run they drive.
struct StreamOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .customLong("in")], help: "Input file (plain, .zst, or '-' for stdin); repeatable.")
    var inputs: [String] = []

    @Option(name: [.customShort("f"), .customLong("follow")], help: "Follow a growing log file across rotation and truncation (like tail -F; waits for a file not there yet), from its start.")
    var follow: String?

    @Option(help: "Input format (auto: detected from the first lines).")
    var input: InputChoice = .auto

    @Option(help: "For csv/tsv input: the column holding the name (1-based index or header name).")
    var column: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .tsv

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Leave out lines that hold no query (log chatter, blank lines) instead of echoing them as !noquery.")
    var skipNoQuery = false

    @Flag(help: "Input on stdin is zstd-compressed (files are detected by their magic bytes).")
    var zstd = false

    @Flag(help: "No summary on stderr at the end (SIGUSR1 still prints one).")
    var quiet = false

    @Flag(inversion: .prefixedNo, help: "A progress line on stderr while files are read (default: when stderr is a terminal and the input is files).")
    var progress: Bool?

    func validate() throws {
        try Check.range(threads, Check.threads, "--threads")
        if follow != nil, !inputs.isEmpty { throw ValidationError("give -f/--follow or -i/--in, not both") }
    }

    func options() -> ClassifyOptions {
        var options = ClassifyOptions()
        options.output = format
        if case let .format(kind) = input { options.input = kind }
        options.column = column
        options.threads = threads
        options.passNoQuery = !skipNoQuery
        return options
    }

    func readers() -> [LineReader] { openReaders(inputs: inputs, follow: follow, zstd: zstd) }

    /// Runs the pipeline to the end of input with the exit behaviour every streaming command shares.
    /// `started` sees the pipeline before it runs (the dashboard reads its counters).
    func run(_ models: [ClassifyModel], options: ClassifyOptions, started onStart: (ClassifyPipeline) -> Void = { _ in }) {
        let readers = readers()
        let pipeline = ClassifyPipeline(models: models, options: options)
        onStart(pipeline)
        let files = follow == nil && !inputs.isEmpty && !inputs.contains("-")
        var display: ClassifyProgress?
        if progress ?? (files && isatty(2) == 1) {
            let sizes = inputs.map { path -> Int? in
                var info = stat()
                return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
            }
            display = ClassifyProgress(pipeline: pipeline, readers: readers, sizes: files ? sizes : [nil],
                                       labels: models.first?.classifier.labels ?? [])
            display?.start()
        }
        let started = Date()
        let labels = models.map { (name: $0.name, labels: $0.classifier.labels) }
        let summarySignal = SignalWatcher(SIGUSR1) {
            let text = pipeline.snapshot().summary(models: labels, seconds: Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data(text.utf8))
        }
        defer { summarySignal.cancel() }
        do {
            defer { display?.stop() }
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
            FileHandle.standardError.write(Data(pipeline.stats.summary(models: labels, seconds: Date().timeIntervalSince(started)).utf8))
        }
    }
}

/// The readers of `-i` files (stdin when none) or of the `-f` followed file; a file that cannot be opened fails.
func openReaders(inputs: [String], follow: String?, zstd: Bool) -> [LineReader] {
    do {
        if let follow {
            if !FileManager.default.fileExists(atPath: follow) { note("\(follow) does not exist yet; waiting for it to appear") }
            return [try LineReader.follow(path: follow)]
        }
        return try (inputs.isEmpty ? ["-"] : inputs).map {
            try LineReader.open(path: $0, compression: $0 == "-" && zstd ? .zstd : .auto)
        }
    } catch { fail("\(error)", code: ExitCodes.input) }
}
