import ArgumentParser
import Cache
import DomainKit
import Foundation
import ModelStore

/// Options every command that touches names shares.
struct SuffixOptions: ParsableArguments {
    @Option(name: .customLong("psl"), help: "Public Suffix List file (Debian package publicsuffix).")
    var pslPath: String = PublicSuffixList.debianPath

    func load() throws -> PublicSuffixList {
        do { return try PublicSuffixList(path: pslPath) } catch { fail("\(error) (install Debian's publicsuffix or pass --psl FILE)", code: 4) }
    }
}

/// Prints `domcat: message` on stderr and exits with `code`; every clear failure goes through here.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
    Foundation.exit(code)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
}

enum ExitCodes {
    static let model: Int32 = 3
    static let input: Int32 = 4
    static let output: Int32 = 5
    /// A listener could not be bound (port taken, socket in use).
    static let listen: Int32 = 6
}

/// Where `classify` looks when no model is named: $DOMCAT_MODEL, next to the binary, the installed share folder.
enum DefaultModel {
    static var candidates: [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["DOMCAT_MODEL"] { paths.append(env) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        paths.append(executable.appendingPathComponent("default.dcm").path)
        paths.append("/usr/local/share/domcat/default.dcm")
        return paths
    }

    static func path() -> String {
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        fail("no model given and no default model found (looked in \(candidates.joined(separator: ", "))); run `make model` or pass a MODEL", code: ExitCodes.model)
    }
}

func loadModel(_ path: String?, suffixes: PublicSuffixList) -> Model {
    let path = path ?? DefaultModel.path()
    do { return try Model.load(path: path, suffixes: suffixes) } catch { fail("\(error)", code: ExitCodes.model) }
}

var stderrIsTerminal: Bool { isatty(2) == 1 }

extension RedisReads: ExpressibleByArgument {}

/// The Redis cache tier's options, shared by `classify` and `serve`.
struct RedisOptions: ParsableArguments {
    @Option(help: "Shared Redis cache tier, e.g. redis://127.0.0.1:6379 or unix:///run/redis.sock (keys domcat:<model-sha256>:<name>).")
    var redis: String?

    @Option(name: .customLong("redis-timeout-ms"), help: "Longest a Redis connect or round trip may hold a request before the model answers.")
    var redisTimeoutMs: Int = 50

    @Option(name: .customLong("redis-ttl"), help: "Seconds a cached answer lives in Redis.")
    var redisTTL: Int = 86_400

    @Option(name: .customLong("redis-reads"), help: "When names the LRU lacks are read from Redis: auto (when the round trip costs less than the model work it saves, measured as it runs) or always.")
    var redisReads: RedisReads = .auto

    /// nil without `--redis`; a bad URL exits with a clear message.
    func settings() -> RedisSettings? {
        guard let redis else { return nil }
        guard let endpoint = RedisEndpoint(url: redis) else { fail("--redis: not redis://host:port or unix:///path: \(redis)", code: 2) }
        var settings = RedisSettings(endpoint: endpoint, timeoutMilliseconds: max(1, redisTimeoutMs), ttlSeconds: max(1, redisTTL))
        settings.reads = redisReads
        return settings
    }
}
