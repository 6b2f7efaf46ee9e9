import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Redis Cluster behind one `RedisConnection`: each command goes to the master owning its key's hash slot, one
/// pipeline per node (all written before any reply is read), over a `RedisConnection` per node (so each keeps its
/// timeout and backoff). The slot map comes from CLUSTER SLOTS (asked of any known node, then the seeds); a MOVED reply updates the slot's owner
/// and the map is read again; an ASK reply sends that one command again to the node named, after ASKING; a node
/// that fails (a master killed, before its replica is promoted) makes the map be read again. A command still
/// unanswered after `rounds` tries gets no reply: for the cache a miss, for the stream commands a retry by their
/// caller. One per thread, like the connection that owns it.
final class ClusterRouter {
    let seeds: [RedisEndpoint]
    let settings: RedisSettings
    let health: RedisHealth
    static let rounds = 4
    /// Between rounds when a node failed: a failover takes about the cluster's node timeout.
    static let pauseMicroseconds: useconds_t = 100_000
    private var owner = [Int32](repeating: -1, count: HashSlot.count)
    private var nodes: [RedisEndpoint] = []
    private var connections: [RedisConnection] = []
    private var mapIsStale = true
    /// Topology reads so far (for tests and the summary).
    private(set) var refreshes = 0

    init(seeds: [RedisEndpoint], settings: RedisSettings, health: RedisHealth) {
        self.seeds = seeds
        self.settings = settings
        self.health = health
    }

    private func node(_ endpoint: RedisEndpoint) -> Int {
        if let i = nodes.firstIndex(of: endpoint) { return i }
        var nodeSettings = settings
        nodeSettings.endpoint = endpoint
        nodes.append(endpoint)
        connections.append(RedisConnection(settings: nodeSettings, health: health, detectsCluster: false))
        return nodes.count - 1
    }

    /// Reads the slot map from the first node that answers CLUSTER SLOTS.
    @discardableResult
    func refresh() -> Bool {
        var ask = RedisCommands()
        ask.command("CLUSTER"); ask.add("SLOTS")
        var candidates = nodes
        for seed in seeds where !candidates.contains(seed) { candidates.append(seed) }
        for endpoint in candidates {
            guard let ranges = connections[node(endpoint)].pipeline(ask)?.first?.array else { continue }
            var fresh = [Int32](repeating: -1, count: HashSlot.count)
            for range in ranges {
                guard let r = range.array, r.count >= 3, let low = r[0].integer, let high = r[1].integer,
                      let master = r[2].array, master.count >= 2, let port = master[1].integer,
                      (0..<HashSlot.count).contains(low), (low..<HashSlot.count).contains(high) else { continue }
                // An empty host means "the address you reached me at".
                var host = master[0].text ?? ""
                if host.isEmpty, case let .tcp(seedHost, _) = endpoint { host = seedHost }
                let i = Int32(node(.tcp(host: host, port: port)))
                for slot in low...high { fresh[slot] = i }
            }
            owner = fresh
            mapIsStale = false
            refreshes += 1
            return true
        }
        return false
    }

    /// Runs `commands` (each a command's arguments; its key decides the node, through `slots`) and returns
    /// their replies in order, nil where none came.
    func execute(_ commands: [[[UInt8]]], slots: [Int]) -> [RedisValue?] {
        var replies = [RedisValue?](repeating: nil, count: commands.count)
        var asked: [Int: Int] = [:]
        var todo = Array(commands.indices)
        for round in 0..<Self.rounds where !todo.isEmpty {
            if mapIsStale { refresh() }
            var failed = false
            var byNode: [Int: [Int]] = [:]
            for i in todo {
                let target = asked[i] ?? Int(owner[slots[i]])
                if target >= 0 { byNode[target, default: []].append(i) } else { mapIsStale = true; failed = true }
            }
            var next: [Int] = []
            // Every node's pipeline is written before any reply is read, so the nodes work on them at once.
            var sent: [(target: Int, indices: [Int], count: Int)] = []
            for (target, indices) in byNode {
                var batch = RedisCommands()
                for i in indices {
                    if asked[i] != nil { batch.command("ASKING") }
                    batch.command(String(decoding: commands[i][0], as: UTF8.self))
                    for argument in commands[i].dropFirst() { batch.add(argument) }
                }
                if connections[target].send(batch) { sent.append((target, indices, batch.count)) } else {
                    mapIsStale = true; failed = true; next += indices
                }
            }
            for (target, indices, count) in sent {
                guard let got = connections[target].receive(count) else {
                    mapIsStale = true; failed = true; next += indices; continue
                }
                var r = 0
                for i in indices {
                    if asked[i] != nil { r += 1 }
                    let reply = got[r]
                    r += 1
                    if let error = reply.errorText, let redirect = Self.redirect(error) {
                        if redirect.ask { asked[i] = node(redirect.endpoint) } else {
                            owner[redirect.slot] = Int32(node(redirect.endpoint)); asked[i] = nil; mapIsStale = true
                        }
                        next.append(i)
                    } else if let error = reply.errorText, Self.isTransient(error) {
                        failed = true; next.append(i)
                    } else {
                        replies[i] = reply
                        asked[i] = nil
                    }
                }
            }
            todo = next
            if failed, !todo.isEmpty, round + 1 < Self.rounds { usleep(Self.pauseMicroseconds) }
        }
        return replies
    }

    /// `MOVED 3999 127.0.0.1:6381` or `ASK 3999 127.0.0.1:6381`.
    static func redirect(_ error: String) -> (ask: Bool, slot: Int, endpoint: RedisEndpoint)? {
        let parts = error.split(separator: " ")
        guard parts.count == 3, parts[0] == "MOVED" || parts[0] == "ASK", let slot = Int(parts[1]), (0..<HashSlot.count).contains(slot),
              let colon = parts[2].lastIndex(of: ":"), let port = Int(parts[2][parts[2].index(after: colon)...]) else { return nil }
        return (parts[0] == "ASK", slot, .tcp(host: String(parts[2][..<colon]), port: port))
    }

    /// The cache's MGET, as one GET per key routed by slot (no cross-slot MGET in a cluster).
    func mget(_ keys: [[UInt8]], each: (Int, UnsafeRawBufferPointer?) -> Void) -> Bool {
        let get = Array("GET".utf8)
        let replies = execute(keys.map { [get, $0] }, slots: keys.map { HashSlot.of($0) })
        guard replies.contains(where: { $0 != nil }) else { return false }
        for (i, reply) in replies.enumerated() {
            if case let .string(bytes)? = reply { bytes.withUnsafeBytes { each(i, $0) } } else { each(i, nil) }
        }
        return true
    }

    /// The cache's SET … EX for every pair, routed by slot; a SET that fails only means that answer is not cached.
    func set(_ pairs: [(key: [UInt8], value: [UInt8])]) -> Bool {
        let set = Array("SET".utf8), ex = Array("EX".utf8), ttl = Array(String(settings.ttlSeconds).utf8)
        let replies = execute(pairs.map { [set, $0.key, $0.value, ex, ttl] }, slots: pairs.map { HashSlot.of($0.key) })
        return replies.contains { $0 != nil }
    }

    /// A pipeline whose commands all touch keys of `slot` (a stream and its answers, under one hash tag): sent
    /// whole to that slot's master; nil after a redirect or failure (the map is then read again before the
    /// caller's next try).
    func pipeline(_ commands: RedisCommands, slot: Int) -> [RedisValue]? {
        if mapIsStale { refresh() }
        let target = Int(owner[slot])
        guard target >= 0, let replies = connections[target].pipeline(commands) else { mapIsStale = true; return nil }
        if replies.contains(where: { $0.errorText.map(Self.isTransient) ?? false }) { mapIsStale = true; return nil }
        return replies
    }

    /// A refusal that a later try (after reading the map again) may not get: a redirect, or a cluster in failover.
    static func isTransient(_ error: String) -> Bool {
        redirect(error) != nil || error.hasPrefix("TRYAGAIN") || error.hasPrefix("CLUSTERDOWN") || error.hasPrefix("LOADING")
    }
}
