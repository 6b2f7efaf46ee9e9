import Foundation
import Server
import XCTest

/// `serve --unix PATH` touches only sockets: a stale one is replaced, a live one or anything else is an error,
/// and on exit only the socket this server made is removed.
final class ServeUnixSocketTests: XCTestCase {
    private func unixConfig(_ directory: URL, _ path: String) throws -> ServeConfig {
        let model = directory.appendingPathComponent("m.dcm").path
        try TinyModel.write(to: model)
        var config = serveConfig(modelPath: model)
        config.listen = nil
        config.http = nil
        config.unixPath = path
        return config
    }

    func testRegularFileOrDirectoryAtThePathIsLeftAlone() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("notes.txt").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try Server(config: unixConfig(dir, file))) { error in
            XCTAssertTrue("\(error)".contains("not a socket"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "precious")

        let directory = dir.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        XCTAssertThrowsError(try Server(config: unixConfig(dir, directory))) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
            XCTAssertFalse("\(error)".contains("address already in use"), "\(error)")
        }
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue)

        let (status, message) = try runDomcat(["serve", dir.appendingPathComponent("m.dcm").path, "--unix", file])
        XCTAssertEqual(status, 6, message)
        XCTAssertTrue(message.contains("not a socket"), message)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "precious")
    }

    func testSecondServeLeavesTheRunningServersSocket() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("s.sock").path
        let config = try unixConfig(dir, path)
        let first = try Server(config: config)
        defer { first.shutdown() }
        XCTAssertThrowsError(try Server(config: config)) { error in
            XCTAssertTrue("\(error)".contains("address already in use"), "\(error)")
        }
        XCTAssertEqual(try LineClient(unixPath: path).roundTrip(["ads2.tracker.com"]).count, 1, "the first server still answers on its socket")
    }

    func testStaleSocketIsReplacedAndOnlyOurOwnIsRemoved() throws {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("s.sock").path
        // A socket nobody listens on any more (a server that was killed).
        close(try boundUnixSocket(path))
        let server = try Server(config: unixConfig(dir, path))
        XCTAssertEqual(try LineClient(unixPath: path).roundTrip(["ads2.tracker.com"]).count, 1)
        // Someone else's socket took the path while we ran: not ours to remove.
        unlink(path)
        let other = try boundUnixSocket(path)
        defer { close(other) }
        server.shutdown()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), "a socket this server did not create was removed")

        // Our own socket goes on exit.
        unlink(path)
        let own = try Server(config: unixConfig(dir, path))
        own.shutdown()
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// A listening Unix socket at `path` made here, not by a server.
    private func boundUnixSocket(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard withUnixAddress(path, { bind(fd, $0, $1) }) == 0, listen(fd, 1) == 0 else { close(fd); throw XCTSkip("cannot bind \(path): errno \(errno)") }
        return fd
    }
}
