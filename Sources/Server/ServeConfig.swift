import Cache
import DomainKit
import Logging
import Streaming

/// Everything `domcat serve` is told.
package struct ServeConfig: Sendable {
    /// The model files, in reply order (each model's columns, or its object under its name).
    package var modelPaths: [String]
    package var suffixes: PublicSuffixList
    /// `host:port` for the line protocol over TCP; port 0 picks a free one.
    package var listen: String?
    package var unixPath: String?
    /// `host:port` for HTTP.
    package var http: String?
    package var redis: RedisSettings?
    package var lruEntries = 1_000_000
    /// Classification threads; 0 runs each job on the thread that submits it (the fuzz harness only).
    package var workers = 2
    package var eventLoopThreads = 1
    package var lineFormat: OutputFormat = .tsv
    package var topK = 3
    /// Local, reverse-lookup and no-suffix names are answered with a marker, not by the model (as `classify`).
    package var marksSpecialNames = true
    /// Below this top probability a model answers `unknown`; nil: each model's own threshold (as `classify`).
    package var minProbability: Float?
    package var maxLineLength = 64 << 10
    /// A connection with nothing read or written for this long is closed (line and HTTP).
    package var idleTimeout: Duration = .seconds(60)
    /// An HTTP request (head and body) must be in whole this long after its first byte.
    package var requestTimeout: Duration = .seconds(10)
    /// Open connections (line and HTTP together); the next ones are refused with an answer saying so.
    package var maxConnections = 10_000
    /// The bearer token of `/admin/*`; nil: those endpoints are off.
    package var adminToken: [UInt8]?
    /// The live page on the HTTP listener (`GET /`, `/api/stats`, `/api/explain`), and the counting it needs.
    package var dashboard = false
    /// Serve a registry's production version (and its experiment) instead of `modelPaths`, and follow it.
    package var registry: RegistryFollowing?
    package var logger = Logger(label: "domcat.serve")

    package init(modelPaths: [String], suffixes: PublicSuffixList) {
        self.modelPaths = modelPaths
        self.suffixes = suffixes
    }
}

/// What `serve --registry` follows and how.
package struct RegistryFollowing: Sendable {
    package var directory: String
    /// How often the index is read for a new production version or experiment.
    package var pollInterval: Duration = .milliseconds(200)
    /// How often an experiment's tallies are added to the index.
    package var flushInterval: Duration = .seconds(5)
    /// The Redis channel (on `--redis`) where promotions are announced.
    package var channel = "domcat:registry"
    /// Shadow experiments: the share of names the treatment scores.
    package var shadowSample = 0.1
    /// Keep the newest registered version loaded ahead of its promotion (memory for one more model).
    package var preloadLatest = true

    package init(directory: String) { self.directory = directory }
}

package enum ServeError: Error, CustomStringConvertible {
    case badAddress(String)
    case cannotListen(address: String, reason: String)
    case nothingToServe
    /// Two models of one name would answer under one key.
    case duplicateModelNames([String])
    /// A reload that would rename a model: clients read the replies by the names they started with.
    case modelRenamed(from: String, to: String)

    static let addressInUse = "address already in use (is another domcat serve running?)"

    package var description: String {
        switch self {
        case let .badAddress(a): "not a host:port address: \(a)"
        case let .cannotListen(address, reason): "cannot listen on \(address): \(reason)"
        case .nothingToServe: "nothing to listen on: give --listen, --unix or --http"
        case let .duplicateModelNames(names): "two models are named alike (\(names.joined(separator: ", "))): train one with --name"
        case let .modelRenamed(from, to): "model \(from) is now named \(to); a reload keeps every model's name (restart to rename)"
        }
    }
}

func splitHostPort(_ address: String) throws -> (String, Int) {
    guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
          (0...65535).contains(port) else { throw ServeError.badAddress(address) }
    var host = String(address[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    return (host.isEmpty ? "127.0.0.1" : host, port)
}
