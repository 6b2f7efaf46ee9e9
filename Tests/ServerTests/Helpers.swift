import DomainKit
import Foundation
import Learners
import Logging
import ModelStore
import Server
import Streaming
import TestSupport
import XCTest

/// A two-label model trained in a blink: names with "ads…tracker" are ads, "news…daily" are news.
enum TinyModel {
    static let suffixes = PublicSuffixList(text: "com\nnet\n")

    static func names(_ count: Int, tag: String = "") -> [String] {
        (0..<count).map { $0 % 2 == 0 ? "ads\($0)\(tag).tracker.com" : "news\($0)\(tag).daily.com" }
    }

    @discardableResult
    static func write(to path: String, seed: UInt64 = 1) throws -> Model {
        var params = LinearParams()
        params.bucketBits = 14
        params.dimension = 8
        params.epochs = 5
        params.threads = 1
        params.seed = seed
        let labels = ["ads", "news"]
        let model = LinearModel(labels: labels, params: params, suffixes: suffixes)
        let training = names(400, tag: "t")
        let bags = FeatureBags(domains: training.map { Domain(normalised: $0) }, labels: training.map { $0.hasPrefix("ads") ? 0 : 1 },
                               tokenizer: model.tokenizer, bucketMask: UInt64(params.buckets - 1), threads: 1)
        LinearTrainer.train(model, on: bags)
        let header = ModelHeader(kind: LinearCodec.kind, labels: labels, parameters: [:], corpusDigest: "test", trainingExamples: training.count)
        let temporary = path + ".tmp"
        try LinearCodec.encode(model, header: header).write(to: temporary)
        _ = rename(temporary, path)
        return try Model.load(path: path, suffixes: suffixes)
    }

    /// What `domcat classify` prints for `name` with this model (TSV).
    static func expectedLine(_ name: String, model: Model) -> String {
        let formatter = AnswerFormatter(format: .tsv, labels: model.classifier.labels, includeLogFields: false)
        var out: [UInt8] = []
        let top = model.classifier.classify(Domain(normalised: name), k: 3)
        Array(name.utf8).withUnsafeBufferPointer { formatter.append(.classified(name: name, top: top[...]), line: $0, record: nil, to: &out) }
        return String(decoding: out.dropLast(), as: UTF8.self)
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("domcat-serve-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Keeps log lines so tests can see the warnings a server logs.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }

    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(capture: self) }
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        capture.append("\(level) \(message)")
    }
}

/// A blocking client socket with a receive timeout, so a broken server fails a test instead of hanging it.
final class LineClient {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        signal(SIGPIPE, SIG_IGN)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw XCTSkip("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    func send(lines: [String]) -> Bool { send(Array(lines.map { $0 + "\n" }.joined().utf8)) }

    /// The next `count` lines, or fewer when the connection ends or times out.
    func readLines(_ count: Int) -> [String] {
        var lines: [String] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while lines.count < count {
            if let nl = buffered.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffered[..<nl], as: UTF8.self))
                buffered.removeSubrange(...nl)
                continue
            }
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            buffered.append(contentsOf: chunk[..<n])
        }
        return lines
    }

    /// True when the server closed the connection (read returns 0 or reset).
    func isClosedByPeer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    /// One request-response round: every name answered, in order, exactly as `classify` would.
    func roundTrip(_ names: [String]) -> [String] {
        guard send(lines: names) else { return [] }
        return readLines(names.count)
    }
}

/// One HTTP/1.1 request with `Connection: close`; returns status and body.
func httpRequest(port: Int, method: String, path: String, body: String = "") throws -> (Int, String) {
    let client = try LineClient(port: port)
    client.send(Array("\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8))
    var all: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(client.fd, &chunk, chunk.count)
        if n <= 0 { break }
        all.append(contentsOf: chunk[..<n])
    }
    let text = String(decoding: all, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else { return (0, text) }
    let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    return (status, String(text[split.upperBound...]))
}

extension Server {
    var linePort: Int { lineAddress?.port ?? 0 }
    var httpPort: Int { httpAddress?.port ?? 0 }
}

func serveConfig(modelPath: String, logger: Logger? = nil) -> ServeConfig {
    var config = ServeConfig(modelPath: modelPath, suffixes: TinyModel.suffixes)
    config.listen = "127.0.0.1:0"
    config.http = "127.0.0.1:0"
    config.workers = 2
    config.lruEntries = 1000
    if let logger { config.logger = logger }
    return config
}
