import ArgumentParser
import Cache
import Corpora
import Foundation
import Learners
import Logging
import ModelStore
import Registry

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Model versions: add, list, show, compare, promote, roll back, archive, collect garbage.",
        discussion: "The registry is a folder (--registry, else $DOMCAT_REGISTRY, else ./models) holding the model files and an SQLite index.",
        subcommands: [RegistryAdd.self, RegistryList.self, RegistryShow.self, RegistryPromote.self, RegistryRollback.self,
                      RegistryArchive.self, RegistryGC.self, RegistryCompare.self, RegistryCheck.self, RegistryRuns.self, RegistryExperiment.self, RegistryTuning.self])
}

struct RegistryOptions: ParsableArguments {
    @Option(help: "Registry folder (default: $DOMCAT_REGISTRY, else ./models).")
    var registry: String?

    @Option(help: "Announce changes of production or of the running experiment on this Redis (redis://host:port), so every `serve --registry` given the same --redis switches at once, on any machine.")
    var redis: String?

    @Option(help: "The Redis channel of announcements.")
    var announceChannel: String = ServingState.defaultChannel

    func validate() throws {
        if let redis, RedisEndpoint(url: redis) == nil { throw ValidationError("--redis: not redis://host:port or unix:///path: \(redis)") }
    }

    /// The cache tier's Redis warnings speak of answers; a failed announcement says what it means itself.
    private static let quiet: Logger = {
        var logger = Logger(label: "domcat.registry")
        logger.logLevel = .critical
        return logger
    }()

    /// Publishes what `registry` now serves (with `--redis`). A failed announcement is a warning: the change
    /// is made, and servers see it when they next read the index.
    func announce(_ registry: ModelRegistry) {
        guard let redis, let endpoint = RedisEndpoint(url: redis) else { return }
        let state = registryStep { try registry.servingState() }
        let connection = RedisConnection(settings: RedisSettings(endpoint: endpoint, timeoutMilliseconds: 2000),
                                         health: RedisHealth(endpoint: endpoint, logger: Self.quiet))
        guard let receivers = connection.command(["PUBLISH", announceChannel, state.announcement()]), Int(receivers) != nil else {
            return note("could not announce on \(endpoint): servers following the registry will see the change when they next read its index")
        }
        note("announced on \(endpoint) \(announceChannel) (\(receivers) listening)")
    }

    func open() -> ModelRegistry {
        let directory = registry ?? ProcessInfo.processInfo.environment["DOMCAT_REGISTRY"] ?? ModelRegistry.defaultDirectory
        do { return try ModelRegistry(directory: directory) } catch { fail("registry \(directory): \(error)", code: ExitCodes.input) }
    }
}

/// Runs a registry step; its errors are the user's to fix (exit 4), a model file's keep their code.
func registryStep<T>(_ body: () throws -> T) -> T {
    do { return try body() } catch let error as ModelFileError { fail(error) } catch { fail("\(error)", code: ExitCodes.input) }
}

extension SemanticVersion.Bump: ExpressibleByArgument {}

struct RegistryAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Register a model file under the next version.",
        discussion: "Without --version or --bump the version follows the model's lineage: major for another kind or feature space, minor for new data (continued, or another corpus), patch for other settings on the same data.")

    @Argument(help: "Model file (.dcm).") var model: String
    @Option(help: "This exact version (MAJOR.MINOR.PATCH).") var version: String?
    @Option(help: "Bump this part of the latest version: major, minor or patch.") var bump: SemanticVersion.Bump?
    @Option(help: "A note kept with the version.") var notes: String?
    @Option(help: "A labelled test file: its per-label F1 goes on the model card.") var test: String?
    @Option(name: .customLong("trained-on"), help: "A corpus file the model was trained on (repeatable): `retrain` counts only other files as new.")
    var trainedOn: [String] = []
    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws {
        if let version, SemanticVersion(version) == nil { throw ValidationError("--version must be MAJOR.MINOR.PATCH, e.g. 1.4.0") }
        if version != nil, bump != nil { throw ValidationError("give --version or --bump, not both") }
    }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let registry = registryOptions.open()
        var report: String?
        if let test {
            let loaded = registryStep { try Model.load(path: model, suffixes: suffixes) }
            let corpus = readCorpus(test)
            let result = Evaluation.evaluate(loaded.classifier, domains: corpus.domains, truth: corpus.labels)
            report = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        }
        let added = registryStep {
            try registry.add(path: model, version: version.flatMap(SemanticVersion.init), bump: bump, notes: notes, testReport: report,
                             suffixes: suffixes)
        }
        let files = trainedOn.map { path in
            let corpus = readCorpus(path)
            return ModelRegistry.CorpusFile(path: path, digest: CorpusDigest(corpus).value, examples: corpus.count)
        }
        registryStep { try registry.recordCorpusFiles(files, version: added.version.description) }
        print("\(added.version)\t\(added.name)\t\(added.kind)\t\(added.digest.prefix(12))")
    }
}

struct RegistryList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The versions, oldest first; * marks production.")
    @Flag(help: "Also the archived versions.") var all = false
    @Flag(help: "JSON, one object per version.") var json = false
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        let (entries, production) = registryStep { (try registry.list(includeArchived: all), try registry.production()) }
        if json {
            let rows: [[String: String]] = entries.map {
                ["version": $0.version.description, "name": $0.name, "kind": $0.kind, "sha256": $0.digest, "status": $0.status.rawValue,
                 "production": String($0.version == production?.version), "added": $0.addedAt]
            }
            try printJSON(rows, pretty: false)
            return
        }
        for e in entries {
            let mark = e.version == production?.version ? "*" : " "
            print("\(mark) \(e.version)\t\(e.name)\t\(e.kind)\t\(e.digest.prefix(12))\t\(e.status.rawValue)\t\(e.addedAt)")
        }
    }
}

struct RegistryShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A version's model card.")
    @Argument(help: "Version (default: production).") var version: String?
    @Flag(help: "JSON.") var json = false
    @Flag(help: "Markdown.") var md = false
    @OptionGroup var registryOptions: RegistryOptions

    func validate() throws { if json, md { throw ValidationError("give --json or --md, not both") } }

    func run() throws {
        let registry = registryOptions.open()
        let card = registryStep { () throws -> ModelCard in
            guard let entry = try version.map({ try registry.model($0) }) ?? registry.production() else {
                throw RegistryError("nothing is in production: name a version")
            }
            return try ModelCard(entry, registry: registry)
        }
        if json {
            try printJSON(card)
        } else {
            print(card.text(markdown: md), terminator: "")
        }
    }
}

struct RegistryPromote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Put a version in production.")
    @Argument(help: "Version.") var version: String
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        registryStep { try registry.promote(version) }
        note("\(version) is in production")
        registryOptions.announce(registry)
    }
}

struct RegistryRollback: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rollback", abstract: "Back to the version in production before the current one.")
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        let (from, to) = registryStep { try registry.rollback() }
        note("\(to) is in production again (was \(from))")
        registryOptions.announce(registry)
    }
}

struct RegistryArchive: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "Set a version aside: listed only with --all, never promoted.")
    @Argument(help: "Version.") var version: String
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        registryStep { try registry.archive(version) }
    }
}

struct RegistryGC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Delete all but the newest N versions (never production or one it may roll back to).")
    @Option(help: "Versions to keep.") var keep: Int
    @OptionGroup var registryOptions: RegistryOptions

    func validate() throws { try Check.range(keep, 0...1_000_000, "--keep") }

    func run() throws {
        let registry = registryOptions.open()
        let removed = registryStep { try registry.gc(keep: keep) }
        note("removed \(removed.count) version\(removed.count == 1 ? "" : "s")\(removed.isEmpty ? "" : ": " + removed.joined(separator: ", "))")
    }
}

struct RegistryRuns: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The `retrain` cycles, newest first: trigger, sizes, time, decision and why.")
    @Option(help: "How many.") var last: Int = 20
    @Flag(help: "JSON.") var json = false
    @OptionGroup var registryOptions: RegistryOptions

    func validate() throws { try Check.range(last, 1...1_000_000, "--last") }

    func run() throws {
        let registry = registryOptions.open()
        let runs = registryStep { try registry.retrainRuns(limit: last) }
        if json {
            try printJSON(runs)
            return
        }
        for r in runs {
            let seconds = r.seconds.map { String(format: "%.1f s", $0) } ?? "-"
            print("\(r.id)\t\(r.startedAt)\t\(r.decision)\tproduction \(r.production ?? "-")\tcandidate \(r.candidate ?? "-")\t\(r.newExamples) new of \(r.baseExamples)\t\(seconds)\t\(r.reason ?? "")")
        }
    }
}

struct RegistryCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the index (SQLite's integrity check) and every version's file; exit 1 on a problem.")
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        let problems = registryStep { try registry.check() }
        for problem in problems { note(problem) }
        if !problems.isEmpty { throw ExitCode(1) }
        print("ok")
    }
}

struct RegistryCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Two versions on the same labelled names: which is better, and is it significant.",
        discussion: "Differences are B − A with 95% paired-bootstrap intervals (1,000 resamples); the verdict is McNemar's exact test at p < 0.05.")

    @Argument(help: "Version A (the baseline).") var a: String
    @Argument(help: "Version B.") var b: String
    @Argument(help: "Labelled test file.") var test: String
    @Flag(help: "JSON.") var json = false
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(threads, Check.threads, "--threads") }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let registry = registryOptions.open()
        let (modelA, modelB) = registryStep { (try registry.load(a, suffixes: suffixes), try registry.load(b, suffixes: suffixes)) }
        let corpus = readCorpus(test)
        let comparison = ModelComparison(a: (a, modelA.classifier), b: (b, modelB.classifier), domains: corpus.domains, truth: corpus.labels, threads: threads)
        if json {
            try printJSON(comparison)
        } else {
            print(comparison.text, terminator: "")
        }
    }
}

extension ModelComparison {
    var text: String {
        func ci(_ v: [Double]) -> String { String(format: "[%+.4f, %+.4f]", v[0], v[1]) }
        var out = "examples \(examples)\n"
        out += String(format: "A %@: accuracy %.4f  macro-F1 %.4f  %.0f names/s\n", a.name, a.accuracy, a.macroF1, a.namesPerSecond)
        out += String(format: "B %@: accuracy %.4f  macro-F1 %.4f  %.0f names/s\n", b.name, b.accuracy, b.macroF1, b.namesPerSecond)
        out += String(format: "B − A: accuracy %+.4f %@, macro-F1 %+.4f %@ (95%% paired bootstrap)\n",
                      accuracyDifference, ci(accuracyInterval), macroF1Difference, ci(macroF1Interval))
        out += String(format: "McNemar exact: only A right %d, only B right %d, p = %.4g; disagreement %.2f%%\n",
                      onlyA, onlyB, mcNemarP, 100 * disagreement)
        out += "verdict: B is \(verdict.rawValue)\(verdict == .noSignificantDifference ? "" : " than A")\n"
        out += "per-label F1 (largest changes first):\n"
        for d in perLabel.prefix(15) {
            out += "  " + d.label.padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(format: " %7d  %.4f → %.4f  (%+.4f)\n", d.support, d.f1A, d.f1B, d.f1B - d.f1A)
        }
        return out
    }
}
