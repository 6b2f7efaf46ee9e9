import FuzzServing
import FuzzSupport

/// Any bytes as HTTP/1.1 requests to `serve`'s HTTP listener (NIO's parser, then `HTTPHandler`), the first
/// byte picking how the rest is cut into reads (1…1021 bytes). Inputs naming `/admin/reload` are skipped:
/// reload runs on another thread, which `EmbeddedEventLoop` does not allow (the server tests cover it).
/// The dashboard is on, so its page and API (`/api/explain?name=` parses the query) are fuzzed too.
/// Whatever the server writes must be HTTP responses.
enum FuzzHTTP {
    static let reload = Array("/admin/reload".utf8)

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        var options = FuzzBytes(input)
        let cut = Int(options.byte()) * 4 + 1
        let requests = options.rest
        guard !contains(requests, reload) else { return }
        let connection = FuzzConnection(http: true) { $0.dashboard = true }
        defer { connection.close() }
        var start = 0
        while start < requests.count {
            let end = min(start + cut, requests.count)
            guard connection.read(UnsafeBufferPointer(rebasing: requests[start..<end])) else { break }
            start = end
        }
        let written = connection.written()
        precondition(written.isEmpty || written.starts(with: "HTTP/1.1 ".utf8), "the server wrote something other than a response")
    }

    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard bytes.count >= pattern.count else { return false }
        return (0...(bytes.count - pattern.count)).contains { bytes[$0] == pattern[0] && bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }
}
