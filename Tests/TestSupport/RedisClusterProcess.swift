import Foundation
import XCTest

/// A real Redis Cluster for the tests: 3 masters and 3 replicas of Debian's redis-server on free loopback ports
/// (node timeout 1 s, so a killed master's replica takes over within a few seconds), joined with
/// `redis-cli --cluster create`; every node is killed at the end.
package final class RedisClusterProcess {
    package let ports: [Int]
    package let directory: URL
    private var processes: [Int: Process] = [:]

    package init() throws {
        guard FileManager.default.isExecutableFile(atPath: RedisProcess.binary) else { throw XCTSkip("redis-server not installed") }
        var chosen: [Int] = []
        while chosen.count < 6 {
            // A cluster node also listens on its port + 10000 (the bus).
            let port = freePort()
            if port < 55_000, !chosen.contains(port), !chosen.contains(port + 10_000) { chosen.append(port) }
        }
        ports = chosen
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("domcat-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for port in ports {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RedisProcess.binary)
            p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                           "--cluster-enabled", "yes", "--cluster-config-file", directory.appendingPathComponent("nodes-\(port).conf").path,
                           "--cluster-node-timeout", "1000", "--dir", directory.path,
                           // A replica may take over however long ago it heard from its master (the default refuses
                           // one whose first sync is late on a loaded machine); diskless sync, at once.
                           "--cluster-replica-validity-factor", "0", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                           "--logfile", directory.appendingPathComponent("redis-\(port).log").path]
            try p.run()
            processes[port] = p
        }
        for port in ports {
            var tries = 0
            while !canConnect(port: port) { tries += 1; guard tries < 300 else { throw XCTSkip("redis-server did not start") }; usleep(10_000) }
        }
        let create = Self.cli(["--cluster", "create"] + ports.map { "127.0.0.1:\($0)" } + ["--cluster-replicas", "1", "--cluster-yes"])
        guard create.contains("[OK] All 16384 slots covered") else { throw XCTSkip("redis-cli --cluster create failed: \(create.suffix(500))") }
        try waitUntilHealthy(timeout: 20)
    }

    /// Every live node says `cluster_state:ok`, and every replica is in sync with its master.
    package func waitUntilHealthy(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if processes.keys.allSatisfy({ port in
                Self.cli(["-p", String(port), "CLUSTER", "INFO"]).contains("cluster_state:ok")
                    && !Self.cli(["-p", String(port), "INFO", "replication"]).contains("master_link_status:down")
            }) { return }
            usleep(100_000)
        }
        XCTFail("cluster not healthy after \(timeout) s")
    }

    /// The ports of the nodes that are masters now.
    package func masters() -> [Int] {
        processes.keys.sorted().filter { Self.cli(["-p", String($0), "ROLE"]).hasPrefix("master") }
    }

    /// SIGKILL of one node.
    package func kill(port: Int) {
        guard let p = processes.removeValue(forKey: port) else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// `redis-cli ARGS…`'s output.
    package static func cli(_ arguments: [String]) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        guard (try? p.run()) != nil else { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    deinit {
        for port in Array(processes.keys) { kill(port: port) }
        try? FileManager.default.removeItem(at: directory)
    }
}
