import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 GET endpoint for commands that are not `serve` (`classify --dashboard`, `retrain
/// --metrics`): one thread, one request at a time, `Connection: close` — a page polling once a second and a
/// scraper are all it serves. `respond` gets the path and the query string.
package enum SmallHTTPListener {
    package struct Response {
        package var status = 200
        package var contentType: String
        package var body: [UInt8]
        package init(status: Int = 200, contentType: String, body: [UInt8]) { (self.status, self.contentType, self.body) = (status, contentType, body) }
        package init(status: Int = 200, json: String) { self.init(status: status, contentType: "application/json", body: Array(json.utf8)) }
    }

    package enum ListenError: Error, CustomStringConvertible {
        case address(String), system(String)
        package var description: String {
            switch self {
            case let .address(text): "not HOST:PORT (an IPv4 address and a port, e.g. 127.0.0.1:8080): \(text)"
            case let .system(text): text
            }
        }
    }

    /// Binds `address` (HOST:PORT, port 0 picks one) and serves on a thread of its own; returns the port.
    @discardableResult
    package static func start(_ address: String, respond: @escaping @Sendable (_ path: String, _ query: String) -> Response) throws -> Int {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw ListenError.address(address)
        }
        let host = String(address[..<colon])
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListenError.system(String(cString: strerror(errno))) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { close(fd); throw ListenError.address(address) }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ListenError.system("cannot listen on \(address): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        signal(SIGPIPE, SIG_IGN)
        Thread.detachNewThread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { continue }
                answer(client, respond)
                close(client)
            }
        }
        return Int(UInt16(bigEndian: actual.sin_port))
    }

    private static func answer(_ client: Int32, _ respond: (String, String) -> Response) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // The request line is all that is read: "GET /path?query HTTP/1.1".
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.contains(0x0A), request.count < 16 << 10 {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            request.append(contentsOf: buffer[..<n])
        }
        let line = String(decoding: request.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        let response: Response
        if line.count >= 2, line[0] == "GET" || line[0] == "HEAD" {
            let target = line[1]
            let path = String(target.prefix { $0 != "?" })
            let query = target.contains("?") ? String(target[target.index(after: target.firstIndex(of: "?")!)...]) : ""
            response = respond(path, query)
        } else {
            response = Response(status: 405, json: "{\"error\":\"only GET\"}")
        }
        let reason = [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"][response.status] ?? "Error"
        let head = "HTTP/1.1 \(response.status) \(reason)\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if line.first != "HEAD" { bytes += response.body }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(client, $0.baseAddress! + sent, bytes.count - sent) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// The value of `key` in a query string (`a=1&name=x%2Ey`), percent-decoded.
    package static func parameter(_ key: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.first.map(String.init) == key else { continue }
            let value = parts.count > 1 ? String(parts[1]).replacingOccurrences(of: "+", with: " ") : ""
            return value.removingPercentEncoding ?? value
        }
        return nil
    }
}
