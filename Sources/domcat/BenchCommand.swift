import ArgumentParser
import Bench
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load generator for `serve` (line protocol or HTTP) and for Redis GET as the baseline.",
        discussion: "Closed loop by default (--connections × --pipeline outstanding); --rate makes it open loop, latency counted from each request's scheduled send time.")

    @Option(help: "Drive the line protocol at host:port or a Unix socket path.")
    var line: String?

    @Option(help: "Drive HTTP POST /predict at host:port.")
    var http: String?

    @Option(help: "Drive Redis GET at host:port (baseline).")
    var redis: String?

    @Option(help: "Connections.") var connections: Int = 50
    @Option(help: "Requests outstanding per connection (closed loop).") var pipeline: Int = 1
    @Option(help: "Open loop: total requests per second.") var rate: Double?
    @Option(help: "Measured seconds.") var seconds: Double = 10
    @Option(help: "Seconds of load before measuring.") var warmup: Double = 1
    @Option(help: "Keys: unique (never repeated) or zipf; --replay FILE replays a file's lines instead.") var keys: KeyChoice = .unique
    @Option(help: "Names in the Zipf key space.") var zipfNames: Int = 1_000_000
    @Option(help: "Zipf exponent.") var zipfS: Double = 1.0
    @Option(help: "Replay the lines of this file as keys.") var replay: String?
    @Option(help: "Names per HTTP request (1: {\"domain\":…}, more: {\"domains\":[…]}).") var batch: Int = 1
    @Option(help: "Client event loop threads.") var threads: Int = 1
    @Option(help: "Seed of the key sequence (a different seed asks for other names of the same distribution).") var seed: UInt64 = 1
    @Flag(help: "With --line: tagged requests (@N<TAB>name), answered in any order; latency per tag.") var tagged = false
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard [line, http, redis].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of --line, --http, --redis") }
        try Check.range(connections, 1...10_000, "--connections")
        try Check.range(pipeline, 1...10_000, "--pipeline")
        try Check.range(threads, Check.threads, "--threads")
        try Check.range(batch, 1...100_000, "--batch")
        try Check.range(zipfNames, 1...(1 << 30), "--zipf-names")
        try Check.range(seconds, 0.01...86_400, "--seconds")
        try Check.range(warmup, 0...86_400, "--warmup")
        if let rate { try Check.range(rate, 1...10_000_000, "--rate") }
        if tagged, line == nil { throw ValidationError("--tagged goes with --line") }
        guard zipfS > 0, zipfS.isFinite else { throw ValidationError("--zipf-s must be a positive number") }
    }

    func run() throws {
        let given = [line, http, redis].compactMap { $0 }
        var config = BenchConfig(address: given[0])
        if line != nil { config.target = tagged ? .taggedLine : .line } else if http != nil { config.target = .http(batch: batch) } else { config.target = .redis }
        config.connections = connections
        config.pipeline = pipeline
        config.rate = rate
        config.seconds = seconds
        config.warmupSeconds = warmup
        config.threads = threads
        config.seed = seed
        if let replay {
            do { config.keys = try KeyDistribution.replay(path: replay) } catch { fail("\(error)", code: ExitCodes.input) }
        } else {
            switch keys {
            case .unique: config.keys = .unique
            case .zipf: config.keys = .zipf(count: zipfNames, exponent: zipfS)
            }
        }
        let report: BenchReport
        do { report = try LoadGenerator.run(config) } catch { fail("\(error)", code: ExitCodes.input) }
        if json {
            try printJSON(report, pretty: false)
        } else {
            print(report.text, terminator: "")
        }
    }
}
