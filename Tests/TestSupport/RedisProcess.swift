import Foundation
import XCTest

/// Shared by the test targets that need Redis.
/// A real redis-server on 127.0.0.1 on a free port, in a temp dir, without persistence; killed at the end.
package final class RedisProcess {
    package static let binary = "/usr/bin/redis-server"
    package let port: Int
    package let directory: URL
    private var process: Process?

    package init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw XCTSkip("redis-server not installed (Debian package redis-server)") }
        port = freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("domcat-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try start()
    }

    package func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                       "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path]
        try p.run()
        process = p
        for _ in 0..<200 {
            if canConnect(port: port) { return }
            usleep(10_000)
        }
        throw XCTSkip("redis-server did not start on port \(port)")
    }

    /// SIGKILL: the way a crash looks to clients.
    package func kill() {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }
}

package func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

package func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}
