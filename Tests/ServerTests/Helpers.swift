import Cache
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

    /// `labels`: what the two classes are called (a second model with other labels shows a column mix-up);
    /// `name`: the header's model name (nil: the file stem stands in).
    @discardableResult
    static func write(to path: String, seed: UInt64 = 1, labels: [String] = ["ads", "news"], name: String? = nil) throws -> Model {
        var params = LinearParams()
        params.bucketBits = 14
        params.dimension = 8
        params.epochs = 5
        params.threads = 1
        params.seed = seed
        let model = LinearModel(labels: labels, params: params, suffixes: suffixes)
        let training = names(400, tag: "t")
        let bags = FeatureBags(domains: training.map { Domain(normalised: $0) }, labels: training.map { $0.hasPrefix("ads") ? 0 : 1 },
                               tokenizer: model.tokenizer, bucketMask: UInt64(params.buckets - 1), threads: 1)
        LinearTrainer.train(model, on: bags)
        var header = ModelHeader(kind: LinearCodec.kind, labels: labels, parameters: [:], corpusDigest: "test", trainingExamples: training.count)
        header.name = name
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

    /// `receiveBuffer` shrinks SO_RCVBUF: a client that does not read soon leaves the answers queued at the server.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        signal(SIGPIPE, SIG_IGN)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); throw XCTSkip("cannot connect to 127.0.0.1:\(port): errno \(errno)") }
        setTimeouts()
    }

    init(unixPath: String) throws {
        signal(SIGPIPE, SIG_IGN)
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard connectUnix(fd, unixPath) == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        setTimeouts()
    }

    private func setTimeouts() {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// shutdown(SHUT_WR), as `nc -N` does after its input: the server sees the end of the requests.
    func halfClose() { shutdown(fd, Int32(SHUT_WR)) }

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

    /// Every line until the server closes the connection (or the read times out); a last line without a
    /// newline is one too.
    func readToEnd() -> [String] {
        var lines = readLines(Int.max)
        if !buffered.isEmpty { lines.append(String(decoding: buffered, as: UTF8.self)); buffered = [] }
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
    let reply = try httpExchange(port: port, method: method, path: path, body: body)
    return (reply.status, reply.body)
}

struct HTTPReply {
    var status = 0
    /// Header names lower-cased.
    var headers: [String: String] = [:]
    var body = ""
}

/// One HTTP/1.1 request; `headers` replace the defaults of the same name (an empty value drops one).
/// With `halfClose` the request is kept alive and the client shuts its write side after sending it.
func httpExchange(port: Int, method: String, path: String, body: String = "", headers: [String: String] = [:],
                  halfClose: Bool = false) throws -> HTTPReply {
    var fields = ["Host": "test", "Connection": halfClose ? "" : "close", "Content-Type": "application/json",
                  "Content-Length": String(body.utf8.count)]
    for (name, value) in headers { fields[name] = value }
    let head = fields.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }.map { "\($0.key): \($0.value)\r\n" }.joined()
    let client = try LineClient(port: port)
    client.send(Array("\(method) \(path) HTTP/1.1\r\n\(head)\r\n\(body)".utf8))
    if halfClose { client.halfClose() }
    return HTTPReply(parsing: client.readAll())
}

extension HTTPReply {
    init(parsing bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { body = text; return }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        body = String(text[split.upperBound...])
    }
}

extension LineClient {
    /// Raw bytes until the server closes (or the read times out).
    func readAll() -> [UInt8] {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            all.append(contentsOf: chunk[..<n])
        }
        return all
    }
}

/// connect(2) to a Unix socket path; 0 or -1 with errno, like connect.
func connectUnix(_ fd: Int32, _ path: String) -> Int32 { withUnixAddress(path) { connect(fd, $0, $1) } }

func withUnixAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
    return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
}

extension Server {
    var linePort: Int { lineAddress?.port ?? 0 }
    var httpPort: Int { httpAddress?.port ?? 0 }
    /// The first model's: the only one in most tests.
    var modelDigest: String { serving.models[0].model.digest }
    var cache: AnswerCache { serving.models[0].cache }
}

func serveConfig(modelPath: String, logger: Logger? = nil) -> ServeConfig {
    serveConfig(modelPaths: [modelPath], logger: logger)
}

func serveConfig(modelPaths: [String], logger: Logger? = nil) -> ServeConfig {
    var config = ServeConfig(modelPaths: modelPaths, suffixes: TinyModel.suffixes)
    config.listen = "127.0.0.1:0"
    config.http = "127.0.0.1:0"
    config.workers = 2
    config.lruEntries = 1000
    if let logger { config.logger = logger }
    return config
}

/// A server with a fresh tiny model on free loopback ports (line and HTTP), adjusted by `adjust`.
struct TestServer {
    let server: Server
    let model: Model
    let directory: URL
    var modelPath: String { directory.appendingPathComponent("m.dcm").path }

    init(logger: Logger? = nil, _ adjust: (inout ServeConfig) -> Void = { _ in }) throws {
        directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("m.dcm").path
        model = try TinyModel.write(to: path)
        var config = serveConfig(modelPath: path, logger: logger)
        adjust(&config)
        server = try Server(config: config)
    }

    func expected(_ names: [String]) -> [String] { names.map { TinyModel.expectedLine($0, model: model) } }
}

/// Starts the `domcat` binary of this build, stderr to `stderr`; `environment` adds to this process's.
func startDomcat(_ arguments: [String], stderr: Pipe = Pipe(), environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: DomcatBinary.path)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardError = stderr
    try process.run()
    return process
}

/// Runs `domcat` to its end.
func runDomcat(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
    let stderr = Pipe()
    let process = try startDomcat(arguments, stderr: stderr)
    let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, message)
}

let adminToken = "test-admin-token-0123456789abcdef"

/// `POST /admin/reload` as an operator sends it: the bearer token, a JSON body.
func adminReload(port: Int, token: String = adminToken, contentType: String = "application/json") throws -> HTTPReply {
    try httpExchange(port: port, method: "POST", path: "/admin/reload", body: "{}",
                     headers: ["Authorization": "Bearer \(token)", "Content-Type": contentType])
}
