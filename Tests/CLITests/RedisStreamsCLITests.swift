import Foundation
import TestSupport
import XCTest

/// `domcat publish` and `domcat classify --from … --group`: names through a Redis Stream consumer group, answered
/// once each, by real processes against a real redis-server.
final class RedisStreamsCLITests: CLITestCase {
    /// `redis-cli -p PORT ARGS…`'s output lines (one reply element a line, as it prints them to a pipe).
    func redisCLI(_ redis: RedisProcess, _ arguments: [String]) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        process.arguments = ["-p", String(redis.port)] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return lines(String(decoding: data, as: UTF8.self))
    }

    /// The output stream's entries as (source id, answer lines), read with `redis-cli --csv XRANGE`.
    func answers(_ redis: RedisProcess, key: String) throws -> [(source: String, answers: [String])] {
        let flat = Self.csvStrings(try redisCLI(redis, ["--csv", "XRANGE", key, "-", "+"]).joined())
        XCTAssertEqual(flat.count % 5, 0, "id src ID a ANSWERS per entry")
        return stride(from: 0, to: flat.count - flat.count % 5, by: 5).map { i in
            XCTAssertEqual(flat[i + 1], "src"); XCTAssertEqual(flat[i + 3], "a")
            return (flat[i + 2], flat[i + 4].split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// The quoted strings of redis-cli's --csv output, unescaped (\n, \r, \t, \", \\, \xHH).
    static func csvStrings(_ text: String) -> [String] {
        var strings: [String] = []
        var bytes = Array(text.utf8)[...]
        while let open = bytes.firstIndex(of: UInt8(ascii: "\"")) {
            var value: [UInt8] = []
            var i = open + 1
            while i < bytes.endIndex, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.endIndex {
                    i += 1
                    switch bytes[i] {
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "r"): value.append(0x0D)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "x"):
                        value.append(UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) ?? 0x3F)
                        i += 2
                    default: value.append(bytes[i])
                    }
                } else {
                    value.append(bytes[i])
                }
                i += 1
            }
            strings.append(String(decoding: value, as: UTF8.self))
            bytes = bytes[min(i + 1, bytes.endIndex)...]
        }
        return strings
    }

    func dnsmasqLog(_ count: Int) -> Data {
        var lines = ["Nov 23 15:55:53 dnsmasq[1]: started, version 2.89 cachesize 150"]
        for i in 0..<count {
            lines.append("Nov 23 15:55:53 dnsmasq[1]: query[A] ads\(i).adserv\(i % 9).com from 10.0.0.\(i % 200)")
            lines.append("Nov 23 15:55:53 dnsmasq[1]: reply ads\(i).adserv\(i % 9).com is 1.2.3.4")
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    func testPublishThenConsumeToStdoutMatchesClassify() throws {
        let redis = try RedisProcess()
        let model = try tinyLinearModel()
        let url = "redis://127.0.0.1:\(redis.port)/{dns}:in"
        let published = try domcat(["publish", url, "--maxlen", "100000"], stdin: dnsmasqLog(300))
        XCTAssertEqual(published.status, 0, published.stderr)
        XCTAssertTrue(published.stderr.contains("601 lines, 300 names published in "), published.stderr)
        XCTAssertTrue(published.stderr.contains("301 without a query"), published.stderr)
        let entries = Int(try redisCLI(redis, ["XLEN", "{dns}:in"]).first ?? "0")!
        XCTAssertGreaterThanOrEqual(entries, 300 / 64)
        XCTAssertLessThan(entries, 300)

        let consumed = try domcat(["classify", model, "--from", url, "--group", "g", "--consumer", "c1", "--threads", "1",
                                   "--batch", "64", "--stop-when-idle", "200"])
        XCTAssertEqual(consumed.status, 0, consumed.stderr)
        // The entries carry the query names only (no time, client or type), so the answers are those of the names.
        let plain = Data((0..<300).map { "ads\($0).adserv\($0 % 9).com\n" }.joined().utf8)
        let direct = try domcat(["classify", model], stdin: plain)
        let ids = Self.csvStrings(try redisCLI(redis, ["--csv", "XRANGE", "{dns}:in", "-", "+"]).joined()).filter { $0.first!.isNumber }
        let got = lines(consumed.stdout)
        // Each answer after its entry's id, the entries' names in order.
        var seen: [String] = []
        for id in got.map({ String($0.split(separator: "\t", maxSplits: 1)[0]) }) where seen.last != id { seen.append(id) }
        XCTAssertEqual(seen, ids)
        XCTAssertEqual(got.map { String($0.split(separator: "\t", maxSplits: 1)[1]) }, lines(direct.stdout))
        XCTAssertTrue(consumed.stderr.contains("group g: \(entries) entries answered (300 names); group pending 0, lag 0"), consumed.stderr)
    }

    func testAnswersGoToTheOutputStreamWithTheirSourceIds() throws {
        let redis = try RedisProcess()
        let model = try tinyLinearModel()
        let base = "redis://127.0.0.1:\(redis.port)/"
        let names = Data((0..<500).map { "www.shop\($0).org\n" }.joined().utf8)
        XCTAssertEqual(try domcat(["publish", base + "{dns}:in", "--names-per-entry", "7"], stdin: names).status, 0)
        let r = try domcat(["classify", model, "--from", base + "{dns}:in", "--group", "g", "--to", base + "{dns}:out",
                            "--threads", "2", "--batch", "50", "--stop-when-idle", "200", "--format", "jsonl"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let out = try answers(redis, key: "{dns}:out")
        let entries = Int(try redisCLI(redis, ["XLEN", "{dns}:in"]).first ?? "0")!
        XCTAssertGreaterThanOrEqual(entries, 72, "500 names, up to 7 an entry")
        XCTAssertEqual(out.count, entries)
        XCTAssertEqual(Set(out.map(\.source)).count, entries)
        // Two consumers write in any order: by source id, the answers are the names in order.
        let bySource = out.sorted { $0.source.split(separator: "-").map { Int($0)! }.lexicographicallyPrecedes($1.source.split(separator: "-").map { Int($0)! }) }
        let all = bySource.flatMap(\.answers)
        XCTAssertEqual(all.count, 500)
        XCTAssertEqual(all.map { $0.components(separatedBy: "\"")[3] }, (0..<500).map { "www.shop\($0).org" })
        XCTAssertTrue(all.allSatisfy { $0.hasPrefix("{\"name\":\"www.shop") && $0.contains("site") }, "\(all.prefix(2))")
        XCTAssertEqual(try redisCLI(redis, ["XPENDING", "{dns}:in", "g"]).first, "0")
    }

    /// Two consumers, one killed with SIGKILL mid-run: the other claims its pending entries; every published
    /// entry is answered exactly once.
    func testKilledConsumersEntriesAreClaimedAndAnsweredOnce() throws {
        let redis = try RedisProcess()
        let model = try tinyLinearModel()
        let base = "redis://127.0.0.1:\(redis.port)/"
        let total = 20_000
        let names = Data((0..<total).map { "track\($0).pixel\($0 % 8).net\n" }.joined().utf8)
        XCTAssertEqual(try domcat(["publish", base + "{dns}:in", "--names-per-entry", "4"], stdin: names).status, 0)
        // Up to 4 names an entry (fewer at the end of a read).
        let entries = Int(try redisCLI(redis, ["XLEN", "{dns}:in"]).first ?? "0")!
        XCTAssertGreaterThanOrEqual(entries, total / 4)
        func consumer(_ name: String, stderr: String) throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.binary)
            p.arguments = ["classify", model, "--from", base + "{dns}:in", "--group", "g", "--consumer", name,
                           "--to", base + "{dns}:out", "--threads", "1", "--batch", "50", "--claim-idle", "300",
                           "--stop-when-idle", "1000"]
            p.standardOutput = FileHandle.nullDevice
            FileManager.default.createFile(atPath: stderr, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: stderr)
            try p.run()
            addTeardownBlock { if p.isRunning { p.terminate() } }
            return p
        }
        let victim = try consumer("a", stderr: directory + "/a.err")
        let survivor = try consumer("b", stderr: directory + "/b.err")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, Int(try redisCLI(redis, ["XLEN", "{dns}:out"]).first ?? "0")! < entries / 4 { usleep(5_000) }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        let consumers = try redisCLI(redis, ["XINFO", "CONSUMERS", "{dns}:in", "g"])
        let pendingAtKill = Int(consumers[consumers.firstIndex(of: "a")! + 2])!
        survivor.waitUntilExit()
        XCTAssertEqual(survivor.terminationStatus, 0)
        let survivorLog = String(decoding: FileManager.default.contents(atPath: directory + "/b.err") ?? Data(), as: UTF8.self)
        let out = try answers(redis, key: "{dns}:out")
        XCTAssertEqual(out.count, entries, survivorLog)
        XCTAssertEqual(Set(out.map(\.source)).count, entries, "an entry answered twice")
        XCTAssertEqual(out.reduce(0) { $0 + $1.answers.count }, total)
        XCTAssertEqual(try redisCLI(redis, ["XPENDING", "{dns}:in", "g"]).first, "0")
        if pendingAtKill > 0 { XCTAssertTrue(survivorLog.contains("claimed from other consumers"), survivorLog) }
    }

    /// `--metrics`: while the consumer runs, /metrics shows the group's pending entries (here another consumer's,
    /// delivered and never acknowledged), its lag, this process's consumer and counts — the figures XINFO and the
    /// output give.
    func testMetricsShowTheGroupsBacklogAndThisProcesssCounts() throws {
        let redis = try RedisProcess()
        let model = try tinyLinearModel()
        let base = "redis://127.0.0.1:\(redis.port)/"
        let names = Data((0..<100).map { "cdn\($0).example.net\n" }.joined().utf8)
        XCTAssertEqual(try domcat(["publish", base + "{dns}:in", "--names-per-entry", "1"], stdin: names).status, 0)
        XCTAssertEqual(try redisCLI(redis, ["XGROUP", "CREATE", "{dns}:in", "g", "0"]).first, "OK")
        // Another consumer takes 5 entries and never answers them (no --claim-idle here: they stay its own).
        _ = try redisCLI(redis, ["XREADGROUP", "GROUP", "g", "other", "COUNT", "5", "STREAMS", "{dns}:in", ">"])
        let port = freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["classify", model, "--from", base + "{dns}:in", "--group", "g", "--consumer", "w", "--threads", "1",
                       "--to", base + "{dns}:out", "--metrics", "127.0.0.1:\(port)"]
        p.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        addTeardownBlock { if p.isRunning { p.terminate() } }
        let group = "stream=\"{dns}:in\",group=\"g\""
        // Scraped until every entry but the other consumer's is answered.
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !text.contains("domcat_stream_entries_answered_total{\(group)} 95\n") {
            usleep(20_000)
            text = loopbackGet(port: port, path: "/metrics") ?? ""
        }
        for line in ["domcat_stream_backlog_up{\(group)} 1", "domcat_stream_group_pending{\(group)} 5",
                     "domcat_stream_group_lag{\(group)} 0", "domcat_stream_consumer_pending{\(group),consumer=\"w\"} 0",
                     "domcat_stream_entries_answered_total{\(group)} 95", "domcat_stream_names_total{\(group)} 95",
                     "# TYPE domcat_stream_group_lag gauge"] {
            XCTAssertTrue(text.contains(line + "\n"), "\(line) missing from\n\(text)")
        }
        XCTAssertEqual(loopbackGet(port: port, path: "/other")?.contains("no such page"), true)
        p.terminate()
        p.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("metrics on http://127.0.0.1:\(port)/metrics"), log)
        XCTAssertTrue(log.contains("group g: 95 entries answered (95 names); group pending 5, lag 0"), log)
    }

    /// The same on a Redis Cluster (3 masters, 3 replicas): the streams on their hash tag's master, the answer
    /// cache spread over every master.
    func testStreamsAndCacheOnACluster() throws {
        let cluster = try RedisClusterProcess()
        let model = try tinyLinearModel()
        let nodes = "redis-cluster://127.0.0.1:\(cluster.ports[0]),127.0.0.1:\(cluster.ports[1])"
        let names = Data((0..<2000).map { "ads\($0).adserv\($0 % 9).com\n" }.joined().utf8)
        let published = try domcat(["publish", nodes + "/{dns}:in", "--names-per-entry", "16"], stdin: names)
        XCTAssertEqual(published.status, 0, published.stderr)
        let r = try domcat(["classify", model, "--from", nodes + "/{dns}:in", "--group", "g", "--to", nodes + "/{dns}:out",
                            "--redis", nodes, "--threads", "2", "--stop-when-idle", "300"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("(2000 names); group pending 0, lag 0"), r.stderr)
        let again = try domcat(["classify", model, "--redis", nodes, "--redis-reads", "always"], stdin: names)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("(redis 100.0%)"), again.stderr)
        // Every master holds some of the cached answers.
        for port in cluster.masters() {
            XCTAssertGreaterThan(Int(RedisClusterProcess.cli(["-p", String(port), "DBSIZE"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, 100)
        }

        // The same through one node's plain redis:// URL (a replica's): CLUSTER SLOTS tells each command it is a cluster.
        let plain = "redis://127.0.0.1:\(cluster.ports[5])"
        let more = Data((0..<1000).map { "pixel\($0).tracker\($0 % 7).net\n" }.joined().utf8)
        let republished = try domcat(["publish", plain + "/{dns2}:in", "--names-per-entry", "16"], stdin: more)
        XCTAssertEqual(republished.status, 0, republished.stderr)
        let viaPlain = try domcat(["classify", model, "--from", plain + "/{dns2}:in", "--group", "g", "--to", plain + "/{dns2}:out",
                                   "--redis", plain, "--threads", "2", "--stop-when-idle", "300"])
        XCTAssertEqual(viaPlain.status, 0, viaPlain.stderr)
        XCTAssertTrue(viaPlain.stderr.contains("(1000 names); group pending 0, lag 0"), viaPlain.stderr)
        let cached = try domcat(["classify", model, "--redis", plain, "--redis-reads", "always"], stdin: more)
        XCTAssertTrue(cached.stderr.contains("(redis 100.0%)"), cached.stderr)
    }

    func testUsageErrors() throws {
        let model = try tinyLinearModel()
        let twoSlots = try domcat(["classify", model, "--from", "redis://127.0.0.1:1/dns-in", "--group", "g", "--to", "redis://127.0.0.1:1/dns-out"])
        XCTAssertEqual(twoSlots.status, 2)
        XCTAssertTrue(twoSlots.stderr.contains("hash tag"), twoSlots.stderr)
        XCTAssertEqual(try domcat(["classify", model, "--from", "redis://127.0.0.1:1/k"]).status, 2)
        XCTAssertEqual(try domcat(["classify", model, "--group", "g"]).status, 2)
        XCTAssertEqual(try domcat(["publish", "redis://127.0.0.1:1"]).status, 2)
    }
}
