import ArgumentParser
import Cache
import Dashboard
import DomainKit
import Foundation
import Lines
import ModelStore
import Streaming

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label every name read from stdin, files or a followed log: one output line per input line, in order.")

    @Argument(help: "Model files (.dcm): each adds its answer columns, in order. The default set (category, service) when omitted.")
    var models: [String] = []

    @OptionGroup var stream: StreamOptions

    @Option(help: "Serve any fastText supervised .bin instead of a domcat model.")
    var fasttextBin: String?

    @Flag(help: "With --fasttext-bin: feed the model domcat's word tokens instead of the name as one word.")
    var tokenize = false

    @Option(help: "Labels in the top-k (jsonl).")
    var k: Int = 3

    @Option(help: "Recent names cached per model, shared by the workers (0: no cache).")
    var cacheEntries: Int = ClassifyOptions().cacheEntries

    @Flag(help: "Add the tokens that weighed most in each answer, with their weights (tsv: a 4th column; jsonl: \"why\").")
    var explain = false

    @Option(help: "Only print names given one of these labels (comma-separated).")
    var only: String?

    @Option(name: .customLong("min-p"), help: "Answer `unknown` (with its p) when the top label's probability is below this (default: the model's own threshold, if it was trained with one; else 0).")
    var minP: Float?

    @Flag(help: "Send local, reverse-lookup and no-public-suffix names to the model too, instead of answering !local, !reverse, !nosuffix.")
    var classifyAllNames = false

    @Option(help: ArgumentHelp("A live page of what is being classified at http://HOST:PORT/ (and its figures at /api/stats).", valueName: "host:port"))
    var dashboard: String?

    @OptionGroup var redisOptions: RedisOptions

    @OptionGroup(title: "Redis Streams consumer") var consume: ConsumeCLIOptions

    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        try Check.range(k, 1...1000, "--k")
        try Check.range(cacheEntries, 0...(1 << 28), "--cache-entries")
        if let minP { try Check.range(minP, 0...1, "--min-p") }
        if fasttextBin != nil, !models.isEmpty { throw ValidationError("give a MODEL or --fasttext-bin, not both") }
        if tokenize, fasttextBin == nil { throw ValidationError("--tokenize goes with --fasttext-bin") }
        try consume.validate(inputs: stream.inputs, follow: stream.follow, only: only)
        if consume.from != nil, dashboard != nil { throw ValidationError("--dashboard does not go with --from") }
    }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let loaded: [Model]
        if let fasttextBin {
            do { loaded = [try FastTextCodec.load(bin: fasttextBin, input: tokenize ? .tokens : .name, suffixes: suffixes)] } catch {
                fail("\(error)", code: ExitCodes.model)
            }
        } else {
            loaded = loadModels(models, suffixes: suffixes)
        }
        let names = loaded.map(\.name)
        if Set(names).count < names.count { fail("two models are named alike (\(names.joined(separator: ", "))): train one with --name", code: 2) }
        var options = stream.options()
        options.topK = k
        options.cacheEntries = cacheEntries
        options.explainTokens = explain ? 5 : 0
        options.nameScope = classifyAllNames ? nil : NameScope(suffixes: suffixes)
        options.redis = redisOptions.settings()
        if let only {
            let wanted = Set(only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            let unknown = wanted.subtracting(loaded.flatMap(\.classifier.labels))
            if !unknown.isEmpty { fail("--only names labels no model has: \(unknown.sorted().joined(separator: ", "))", code: ExitCodes.usage) }
            options.onlyLabels = wanted
        }
        let models = loaded.map { ClassifyModel(name: $0.name, classifier: $0.classifier, digest: $0.digest,
                                                minProbability: minP ?? $0.header.unknownBelow ?? 0) }
        if let consumeOptions = consume.options() { return consumeStream(models, options: options, consume: consumeOptions) }
        guard let dashboard else { return stream.run(models, options: options) }
        let stats = TrafficStats(models: loaded.map { .init(name: $0.name, labels: $0.classifier.labels, version: $0.shortVersion) })
        options.dashboard = stats
        stream.run(models, options: options) { pipeline in
            let page = Dashboard(stats: stats, explainModels: {
                models.map { .init(name: $0.name, classifier: $0.classifier, minProbability: $0.minProbability) }
            }, extra: {
                let s = pipeline.snapshot()
                let answers = Double(max(1, s.classified * models.count))
                return String(format: "\"cache\":{\"hit_ratio\":{\"memory\":%.4f,\"redis\":%.4f}}", Double(s.cacheHits) / answers, Double(s.redisHits) / answers)
            })
            do {
                let port = try SmallHTTPListener.start(dashboard) { path, query in
                    page.respond(path: path, query: query) ?? SmallHTTPListener.Response(status: 404, json: "{\"error\":\"no such page\"}")
                }
                note("dashboard on http://\(dashboard.split(separator: ":").dropLast().joined(separator: ":")):\(port)/")
            } catch {
                fail("--dashboard \(dashboard): \(error)", code: ExitCodes.listen)
            }
        }
    }

    /// `--from`: consumes until stopped (SIGINT/SIGTERM finish the batch in hand) or idle, then prints the summary.
    private func consumeStream(_ models: [ClassifyModel], options: ClassifyOptions, consume: ConsumeOptions) {
        let consumer = StreamConsumer(models: models, options: options, consume: consume)
        let watchers = [SIGINT, SIGTERM].map { SignalWatcher($0) { consumer.stop.raise() } }
        defer { for w in watchers { w.cancel() } }
        if let address = self.consume.metrics {
            let metrics = consumer.metrics()
            do {
                let port = try SmallHTTPListener.start(address) { path, _ in
                    path == "/metrics" ? SmallHTTPListener.Response(contentType: "text/plain; version=0.0.4", body: Array(metrics.text().utf8))
                        : SmallHTTPListener.Response(status: 404, json: "{\"error\":\"no such page\"}")
                }
                note("metrics on http://\(address.split(separator: ":").dropLast().joined(separator: ":")):\(port)/metrics")
            } catch {
                fail("--metrics \(address): \(error)", code: ExitCodes.listen)
            }
        }
        let started = Date()
        do {
            try consumer.run(sink: OutputSink())
        } catch OutputError.closed {
            return
        } catch let error as OutputError {
            fail(error.description, code: ExitCodes.output)
        } catch {
            fail("\(error)", code: ExitCodes.input)
        }
        guard !stream.quiet else { return }
        let labels = models.map { (name: $0.name, labels: $0.classifier.labels) }
        FileHandle.standardError.write(Data((consumer.stats.summary(models: labels, seconds: Date().timeIntervalSince(started))
                                             + consumer.summary()).utf8))
    }
}

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Pull the query names out of DNS logs, normalised (case, trailing dot, IDNA), without classifying.")

    @OptionGroup var stream: StreamOptions

    func run() throws {
        stream.run([], options: stream.options())
    }
}
