import ArgumentParser
import Cache
import Dispatch
import Foundation
import Logging
import Registry
import Server
import Streaming

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer classification requests over TCP/Unix line protocol and HTTP, with an LRU + Redis cache.",
        discussion: "SIGHUP (or POST /admin/reload, with --admin-token) reloads every MODEL from its file (with --registry: reads the registry now); a bad file leaves every old model serving.")

    @Argument(help: "Model files (.dcm): each adds its answer columns (line) or its object under its name (JSON), in order. The default set (category, service) when omitted.")
    var models: [String] = []

    @Option(help: "Line protocol on TCP host:port (default 127.0.0.1:7878 when no listener is given).")
    var listen: String?

    @Option(help: "Line protocol on a Unix socket at this path.")
    var unix: String?

    @Option(help: "HTTP (POST /predict, GET /health, GET /metrics, POST /admin/reload) on host:port.")
    var http: String?

    @Flag(help: "A live page of what is being answered on the --http listener: GET / (and /api/stats, /api/explain?name=).")
    var dashboard = false

    @Option(help: ArgumentHelp("Turn POST /admin/reload on, for requests with `Authorization: Bearer <the token in FILE>` (at least 16 characters).", valueName: "file"))
    var adminToken: String?

    @Option(help: "Close line and HTTP connections with nothing read or written for this many seconds.")
    var idleTimeout: Int = 60

    @Option(help: "Connections open at once, line and HTTP together; more are refused (line: `!error too many connections`, HTTP: 503).")
    var maxConnections: Int = 10_000

    @Option(help: "Entries of the in-process LRU (0: off).")
    var lruEntries: Int = 1_000_000

    @Option(help: "Classification worker threads.")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Event loop threads (network I/O, and answers already in the LRU). 1 gives the lowest latency on a small machine; more give throughput.")
    var eventLoops: Int = 1

    @Option(help: "Line protocol answers: tsv or jsonl (as `classify`).")
    var format: OutputFormat = .tsv

    @Option(help: "Labels in the top-k (jsonl, HTTP).")
    var k: Int = 3

    @Flag(help: "Send local, reverse-lookup and no-public-suffix names to the model too, instead of answering !local, !reverse, !nosuffix.")
    var classifyAllNames = false

    @Option(name: .customLong("min-p"), help: "Answer `unknown` (with its p) when the top label's probability is below this (default: each model's own threshold, if it was trained with one; else 0), as classify does.")
    var minP: Float?

    @Option(help: "Serve this registry's production version (while an experiment runs: its control and treatment) and follow it: a promote, rollback or experiment start/stop is served within a second, without a failed request. No MODEL arguments then.")
    var registry: String?

    @Option(help: "With --registry: how often its index is read, in milliseconds (with --redis, announcements are followed at once).")
    var pollMs: Int = 200

    @Option(help: "With --registry: seconds between writes of an experiment's per-arm tallies to the index.")
    var flushEvery: Int = 5

    @Option(help: "With --registry and a shadow experiment: the share of names the treatment scores off the answer path.")
    var shadowSample: Double = 0.1

    @Flag(inversion: .prefixedNo, help: "With --registry: keep the newest registered version loaded ahead of its promotion, so promoting it swaps at once (memory for one more model).")
    var preloadLatest = true

    @Option(help: "With --registry and --redis: the channel promotions are announced on (as `registry … --announce-channel`).")
    var announceChannel: String = "domcat:registry"

    @OptionGroup var redisOptions: RedisOptions

    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        try Check.range(lruEntries, 0...(1 << 28), "--lru-entries")
        if let minP { try Check.range(minP, 0...1, "--min-p") }
        try Check.range(workers, Check.threads, "--workers")
        try Check.range(eventLoops, Check.threads, "--event-loops")
        try Check.range(k, 1...1000, "--k")
        try Check.range(idleTimeout, 1...86_400, "--idle-timeout")
        try Check.range(maxConnections, 1...1_000_000, "--max-connections")
        try Check.range(pollMs, 10...60_000, "--poll-ms")
        try Check.range(flushEvery, 1...3600, "--flush-every")
        try Check.range(shadowSample, 0.0001...1, "--shadow-sample")
        if registry != nil, !models.isEmpty { throw ValidationError("give MODEL files or --registry, not both") }
        if format == .annotate { throw ValidationError("--format must be tsv or jsonl") }
        if dashboard, http == nil { throw ValidationError("--dashboard is served on the --http listener: give --http HOST:PORT") }
    }

    func run() throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var config = ServeConfig(modelPaths: models.isEmpty && registry == nil ? DefaultModel.paths() : models, suffixes: try suffixOptions.load())
        config.listen = listen
        config.unixPath = unix
        config.http = http
        if listen == nil, unix == nil, http == nil { config.listen = "127.0.0.1:7878" }
        config.redis = redisOptions.settings()
        config.lruEntries = lruEntries
        config.workers = workers
        config.eventLoopThreads = eventLoops
        config.lineFormat = format
        config.topK = k
        config.marksSpecialNames = !classifyAllNames
        config.minProbability = minP
        config.idleTimeout = .seconds(idleTimeout)
        config.maxConnections = maxConnections
        config.adminToken = loadAdminToken()
        config.dashboard = dashboard
        if let registry {
            var following = RegistryFollowing(directory: registry)
            following.pollInterval = .milliseconds(pollMs)
            following.flushInterval = .seconds(flushEvery)
            following.shadowSample = shadowSample
            following.channel = announceChannel
            following.preloadLatest = preloadLatest
            config.registry = following
        }
        raiseDescriptorLimit()

        let server: Server
        do {
            server = try Server(config: config)
        } catch let error as ServeError {
            if case .duplicateModelNames = error { fail(error.description, code: ExitCodes.usage) }
            fail(error.description, code: ExitCodes.listen)
        } catch let error as RegistryError {
            fail("registry \(registry ?? ""): \(error)", code: ExitCodes.input)
        } catch let error as SQLiteError {
            fail("registry \(registry ?? ""): \(error)", code: ExitCodes.input)
        } catch {
            fail("\(error)", code: ExitCodes.model)
        }
        var sources: [DispatchSourceSignal] = []
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hup.setEventHandler { server.reload() }
        hup.resume()
        sources.append(hup)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // Graceful first; a stop request must still end the process if a connection or a queued
                // batch holds the graceful path up.
                DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
                    note("stop: connections still open after 5 s, exiting")
                    Foundation.exit(0)
                }
                server.shutdown()
            }
            source.resume()
            sources.append(source)
        }
        server.wait()
        withExtendedLifetime(sources) {}
    }

    /// The token of `--admin-token FILE`: the file's text without surrounding whitespace.
    private func loadAdminToken() -> [UInt8]? {
        guard let adminToken else { return nil }
        guard let data = FileManager.default.contents(atPath: adminToken) else { fail("cannot read --admin-token \(adminToken)", code: ExitCodes.input) }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.utf8.count >= 16, !token.contains(where: \.isWhitespace) else {
            fail("--admin-token \(adminToken): one token of at least 16 characters without spaces (e.g. from `openssl rand -hex 32`)", code: ExitCodes.input)
        }
        return Array(token.utf8)
    }

    /// Every connection is a file descriptor: lift the soft limit toward `--max-connections` (up to the hard
    /// limit), so that clients meet the limit's clear refusal, not accept errors.
    private func raiseDescriptorLimit() {
        var limit = rlimit()
        let wanted = rlim_t(maxConnections + 256)
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < wanted { note("open-file limit \(limit.rlim_cur) is below --max-connections \(maxConnections) + 256; accepting waits when it is reached") }
    }
}
