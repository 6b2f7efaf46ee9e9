import Foundation
import TestSupport
import XCTest

/// `domcat serve --registry` as a person runs it: two serving processes, a Redis, and `registry promote
/// --redis` from the command line; every process switches, the one whose index copy cannot see the change too.
final class ServeRegistryCLITests: CLITestCase {
    var registry: String { directory + "/registry" }

    private func serve(_ folder: String, port: Int, redis: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--registry", folder, "--listen", "127.0.0.1:\(port)", "--format", "jsonl",
                             "--redis", "redis://127.0.0.1:\(redis)", "--poll-ms", "60000", "--workers", "1"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where !canConnect(port: port) { usleep(20_000) }
        return process
    }

    /// The version in the answer to one name over the line protocol.
    private func answeringVersion(port: Int) -> String? {
        guard let fd = connectLoopback(port: port) else { return nil }
        defer { close(fd) }
        _ = "ads1.adserv1.com\n".withCString { Glibc.write(fd, $0, strlen($0)) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let object = try? JSONSerialization.jsonObject(with: Data(buffer[..<n])) as? [String: Any] else { return nil }
        return object["version"] as? String
    }

    func testPromoteOnTheCommandLineSwitchesEveryServerThroughRedis() throws {
        let redis = try RedisProcess()
        for (name, epochs) in [("a.dcm", "2"), ("b.dcm", "3")] {
            XCTAssertEqual(try domcat(["train", tinyCorpus(), "--out", directory + "/" + name, "--bucket-bits", "12", "--dim", "8",
                                       "--epochs", epochs, "--threads", "1", "--no-trained-names"]).status, 0)
            XCTAssertEqual(try domcat(["registry", "add", directory + "/" + name, "--registry", registry]).status, 0)
        }
        XCTAssertEqual(try domcat(["registry", "promote", "1.0.0", "--registry", registry]).status, 0)
        XCTAssertEqual(try domcat(["serve", "--registry", registry, "a.dcm"]).status, 2, "models and --registry")
        // The second server follows a copy of the folder whose index will not see the promotion.
        let copy = directory + "/copy"
        try FileManager.default.copyItem(atPath: registry, toPath: copy)
        let ports = [freePort(), freePort()]
        let servers = [try serve(registry, port: ports[0], redis: redis.port), try serve(copy, port: ports[1], redis: redis.port)]
        defer { for s in servers { s.terminate(); s.waitUntilExit() } }
        XCTAssertEqual(ports.map(answeringVersion), ["1.0.0", "1.0.0"])
        usleep(300_000)  // both subscribed

        let promote = try domcat(["registry", "promote", "1.0.1", "--registry", registry, "--redis", "redis://127.0.0.1:\(redis.port)"])
        XCTAssertEqual(promote.status, 0, promote.stderr)
        XCTAssertTrue(promote.stderr.contains("(2 listening)"), promote.stderr)
        let start = Date()
        while ports.map(answeringVersion) != ["1.0.1", "1.0.1"], Date().timeIntervalSince(start) < 5 { usleep(20_000) }
        XCTAssertEqual(ports.map(answeringVersion), ["1.0.1", "1.0.1"], "within 5 s; the 60 s poll cannot have done it")

        // A dead Redis: the promotion is made, the announcement's failure is said, the exit is 0.
        redis.kill()
        let rollback = try domcat(["registry", "rollback", "--registry", registry, "--redis", "redis://127.0.0.1:\(redis.port)"])
        XCTAssertEqual(rollback.status, 0, rollback.stderr)
        XCTAssertTrue(rollback.stderr.contains("could not announce"), rollback.stderr)
    }
}
