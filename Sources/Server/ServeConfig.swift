import Cache
import DomainKit
import Logging
import Streaming

/// Everything `domcat serve` is told.
public struct ServeConfig: Sendable {
    public var modelPath: String
    public var suffixes: PublicSuffixList
    /// `host:port` for the line protocol over TCP; port 0 picks a free one.
    public var listen: String?
    public var unixPath: String?
    /// `host:port` for HTTP.
    public var http: String?
    public var redis: RedisSettings?
    public var lruEntries = 1_000_000
    public var workers = 2
    public var eventLoopThreads = 1
    public var lineFormat: OutputFormat = .tsv
    public var topK = 3
    public var maxLineLength = 64 << 10
    public var logger = Logger(label: "domcat.serve")

    public init(modelPath: String, suffixes: PublicSuffixList) {
        self.modelPath = modelPath
        self.suffixes = suffixes
    }
}

public enum ServeError: Error, CustomStringConvertible {
    case badAddress(String)
    case cannotListen(address: String, reason: String)
    case nothingToServe

    public var description: String {
        switch self {
        case let .badAddress(a): "not a host:port address: \(a)"
        case let .cannotListen(address, reason): "cannot listen on \(address): \(reason)"
        case .nothingToServe: "nothing to listen on: give --listen, --unix or --http"
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
