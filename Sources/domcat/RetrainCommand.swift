import ArgumentParser
import Dashboard
import Foundation
import Registry

struct RetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Watch a folder of new labelled files; train, compare and promote a candidate when there is enough new data.",
        discussion: """
            A cycle: the files of --incoming that production was not trained on; when their examples reach --growth of \
            production's, production is continued on their train parts (--from-scratch: its kind trained on every file), \
            registered as a minor version, and compared with production on the test part (the split rule) of every file. \
            It is promoted when macro-F1 gains at least --min-gain and McNemar's p < 0.05, else archived. Every cycle is \
            recorded (`registry runs`); a failed or killed one leaves production as it was.
            """)

    @Option(help: "Folder of labelled files (.tsv, .tsv.zst), old and new.") var incoming: String
    @Flag(help: "One cycle, then exit.") var once = false
    @Option(help: "A cycle every DURATION (e.g. 30s, 10m, 1h).") var every: String?
    @Option(help: "New examples, as a share of production's, that start a candidate.") var growth: Double = RetrainPolicy().growth
    @Option(help: "Macro-F1 the candidate must gain to be promoted.") var minGain: Double = RetrainPolicy().minimumGain
    @Flag(help: "Train candidates from scratch on every file instead of continuing production.") var fromScratch = false
    @Option(help: "Run this shell command after a promotion ($DOMCAT_VERSION is the new version).") var onPromote: String?
    @Option(help: "Serve Prometheus metrics (runs by decision, production version) at HOST:PORT /metrics.") var metrics: String?
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        guard once != (every != nil) else { throw ValidationError("give --once or --every DURATION") }
        if let every, Self.seconds(every) == nil { throw ValidationError("--every: a duration like 30s, 10m or 1h") }
        try Check.range(growth, 0...100, "--growth")
        try Check.range(minGain, -1...1, "--min-gain")
        try Check.range(threads, Check.threads, "--threads")
    }

    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value > 0 else { return nil }
        return value * scale
    }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let registry = registryOptions.open()
        let retrainer = Retrainer(registry: registry, incoming: incoming, suffixes: suffixes)
        retrainer.policy.growth = growth
        retrainer.policy.minimumGain = minGain
        retrainer.policy.fromScratch = fromScratch
        retrainer.threads = threads
        retrainer.log = note
        if let metrics {
            // Its own connection: the cycle's transactions stay its own.
            let reader = registryOptions.open()
            do {
                try SmallHTTPListener.start(metrics) { _, _ in
                    SmallHTTPListener.Response(contentType: "text/plain; version=0.0.4", body: Array(RetrainMetrics.text(reader).utf8))
                }
            } catch { fail("--metrics \(metrics): \(error)", code: ExitCodes.listen) }
        }
        while true {
            let run = registryStep { try retrainer.runOnce() }
            if run.decision == "promoted" { registryOptions.announce(registry) }
            if run.decision == "promoted", let onPromote, let version = run.candidate { runHook(onPromote, version: version, registry: registry.directory) }
            guard let every, let pause = Self.seconds(every) else {
                if run.decision == "failed" { throw ExitCode(1) }
                return
            }
            Thread.sleep(forTimeInterval: pause)
        }
    }

    func runHook(_ command: String, version: String, registry: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["DOMCAT_VERSION"] = version
        environment["DOMCAT_REGISTRY"] = registry
        process.environment = environment
        do {
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { note("--on-promote exited \(process.terminationStatus)") }
        } catch { note("--on-promote: \(error)") }
    }
}

/// `/metrics` of a running `retrain`, read from the index on each scrape.
enum RetrainMetrics {
    static func text(_ registry: ModelRegistry) -> String {
        let runs = (try? registry.retrainRuns(limit: 1_000_000)) ?? []
        var out = "# HELP domcat_retrain_runs_total Retraining cycles, by decision.\n# TYPE domcat_retrain_runs_total counter\n"
        for decision in ["waiting", "promoted", "archived", "failed", "interrupted", "running"] {
            out += "domcat_retrain_runs_total{decision=\"\(decision)\"} \(runs.filter { $0.decision == decision }.count)\n"
        }
        if let last = runs.first(where: { $0.seconds != nil }), let seconds = last.seconds {
            out += "# HELP domcat_retrain_last_run_seconds How long the last finished cycle took.\n# TYPE domcat_retrain_last_run_seconds gauge\n"
            out += "domcat_retrain_last_run_seconds \(seconds)\n"
        }
        if let production = try? registry.production() {
            out += "# HELP domcat_retrain_production_info The version in production.\n# TYPE domcat_retrain_production_info gauge\n"
            out += "domcat_retrain_production_info{version=\"\(production.version)\"} 1\n"
        }
        return out
    }
}
