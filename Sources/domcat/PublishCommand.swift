import ArgumentParser
import Cache
import Foundation
import Logging
import Streaming

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Append the query names of names or DNS-log lines to a Redis Stream, for `classify --from` consumers.")

    @Argument(help: "The stream: redis://HOST:PORT/KEY or redis-cluster://H1:P1,H2:P2/KEY (give the key a hash tag, e.g. {dns}:in, to pair it with an output stream {dns}:out).")
    var stream: String

    @Option(name: [.customShort("i"), .customLong("in")], help: "Input file (plain, .zst, or '-' for stdin); repeatable.")
    var inputs: [String] = []

    @Option(name: [.customShort("f"), .customLong("follow")], help: "Follow a growing log file across rotation and truncation (like tail -F), from its start.")
    var follow: String?

    @Option(help: "Input format (auto: detected from the first lines).")
    var input: InputChoice = .auto

    @Option(help: "For csv/tsv input: the column holding the name (1-based index or header name).")
    var column: String?

    @Flag(help: "Input on stdin is zstd-compressed (files are detected by their magic bytes).")
    var zstd = false

    @Option(help: "Keep the stream near this many entries (XADD MAXLEN ~); unbounded when omitted.")
    var maxlen: Int?

    @Option(name: .customLong("names-per-entry"), help: "Names packed into one stream entry (newline-separated in field q), from the lines already read: packing never waits for more.")
    var namesPerEntry: Int = 64

    @Flag(help: "No summary on stderr at the end.")
    var quiet = false

    func validate() throws {
        guard StreamAddress(url: stream) != nil else { throw ValidationError("not redis://HOST:PORT/KEY or redis-cluster://H1:P1,…/KEY: \(stream)") }
        if follow != nil, !inputs.isEmpty { throw ValidationError("give -f/--follow or -i/--in, not both") }
        if let maxlen { try Check.range(maxlen, 1...(1 << 40), "--maxlen") }
        try Check.range(namesPerEntry, 1...10_000, "--names-per-entry")
    }

    func run() throws {
        let address = StreamAddress(url: stream)!
        var logger = Logger(label: "domcat.publish")
        logger.logLevel = .warning
        var kind: LogFormatKind?
        if case let .format(k) = input { kind = k }
        let publisher = StreamPublisher(address: address, maxLength: maxlen, namesPerEntry: namesPerEntry, input: kind, column: column,
                                        health: RedisHealth(endpoint: address.endpoint, logger: logger))
        let started = Date()
        do {
            try publisher.run(openReaders(inputs: inputs, follow: follow, zstd: zstd))
        } catch let error as StreamCommandError {
            fail(error.description, code: ExitCodes.output)
        } catch {
            fail("\(error)", code: ExitCodes.input)
        }
        if !quiet { FileHandle.standardError.write(Data(publisher.stats.summary(seconds: Date().timeIntervalSince(started)).utf8)) }
    }
}
