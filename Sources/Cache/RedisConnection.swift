import CHiredis
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One hiredis connection, owned by one thread (hiredis contexts are not thread-safe).
/// Every call is bounded by the settings' timeout; any failure drops the connection, reports to `health`,
/// and the next attempt waits out a doubling backoff, so an outage costs callers nothing but misses.
package final class RedisConnection {
    package let settings: RedisSettings
    private let health: RedisHealth
    private var context: UnsafeMutablePointer<redisContext>?
    private var retryAt: UInt64 = 0
    private var backoffMilliseconds: Int
    /// Reused argument bytes and their lengths, so a batch allocates once.
    private var argumentBytes: [UInt8] = []
    private var argumentEnds: [Int] = []
    /// Replies of SETs already sent and not yet read: they are read with the next command's reply, in
    /// the same round trip, so storing answers never waits on Redis.
    private var unreadReplies = 0
    /// Whether a batch's misses are worth a read; `AnswerCache` and the callers that time the model feed it.
    package var readPolicy: RedisReadPolicy
    /// For a Redis Cluster — a `.cluster` endpoint, or a `redis://` node that answered CLUSTER SLOTS with a slot
    /// map — every command goes through it to the node owning its slot.
    private var router: ClusterRouter?
    /// A `redis://` endpoint is asked CLUSTER SLOTS once, on its first connection: a node of a cluster answers
    /// with the slot map, any other server with an error (cluster support disabled).
    private var clusterUnknown: Bool

    /// `detectsCluster: false` for the router's own per-node connections, which know they talk to a cluster node.
    package init(settings: RedisSettings, health: RedisHealth, detectsCluster: Bool = true) {
        self.settings = settings
        self.health = health
        backoffMilliseconds = settings.minBackoffMilliseconds
        readPolicy = RedisReadPolicy(mode: settings.reads)
        clusterUnknown = false
        switch settings.endpoint {
        case let .cluster(seeds): router = ClusterRouter(seeds: seeds, settings: settings, health: health)
        case .tcp: clusterUnknown = detectsCluster
        case .unix: break
        }
        // hiredis writes with write(2): a peer that went away must come back as EPIPE, not kill us.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { if let context { redisFree(context) } }

    package var isConnected: Bool { context != nil }

    /// Whether commands go to a Redis Cluster (named so, or detected: this connects if need be); nil while a
    /// `redis://` server cannot be reached.
    package var isCluster: Bool? {
        if router != nil { return true }
        if clusterUnknown { _ = clusterRouter() }
        return clusterUnknown ? nil : router != nil
    }

    /// The router for a cluster; on the first connection to a `redis://` endpoint, CLUSTER SLOTS decides: a
    /// reply with the slot map makes this node the router's seed (the connection is closed, the router opens one
    /// per node), an error reply means one server. No reply (Redis down) leaves the question for the next call.
    private func clusterRouter() -> ClusterRouter? {
        if let router { return router }
        guard clusterUnknown, let context = connected() else { return nil }
        beginArguments()
        addArgument(Array("CLUSTER".utf8)); addArgument(Array("SLOTS".utf8))
        guard append(context), readUnreadReplies(context), let reply = readReply(context) else { return nil }
        let isCluster = reply.pointee.type == REDIS_REPLY_ARRAY
        freeReplyObject(reply)
        clusterUnknown = false
        guard isCluster else { return nil }
        redisFree(context)
        self.context = nil
        router = ClusterRouter(seeds: [settings.endpoint], settings: settings, health: health)
        return router
    }

    /// Values for `keys` in one MGET round trip; nil when Redis is unavailable (every key then misses).
    package func mget(_ keys: [[UInt8]], each: (Int, UnsafeRawBufferPointer?) -> Void) -> Bool {
        if let router = clusterRouter() { return !keys.isEmpty && router.mget(keys, each: each) }
        guard !keys.isEmpty, let context = connected() else { return false }
        beginArguments()
        addArgument(Array("MGET".utf8))
        for key in keys { addArgument(key) }
        guard append(context), readUnreadReplies(context), let reply = readReply(context) else { return false }
        defer { freeReplyObject(reply) }
        let r = reply.pointee
        guard r.type == REDIS_REPLY_ARRAY, r.elements == keys.count else {
            drop("unexpected MGET reply type \(r.type)")
            return false
        }
        for i in 0..<keys.count {
            let element = r.element[i]!.pointee
            if element.type == REDIS_REPLY_STRING, let str = element.str {
                each(i, UnsafeRawBufferPointer(start: str, count: element.len))
            } else {
                each(i, nil)
            }
        }
        return true
    }

    /// `SET key value EX ttl` for every pair, pipelined and written now; their replies are read with the
    /// next command's.
    @discardableResult
    package func set(_ pairs: [(key: [UInt8], value: [UInt8])]) -> Bool {
        if let router = clusterRouter() { return !pairs.isEmpty && router.set(pairs) }
        guard !pairs.isEmpty, let context = connected() else { return false }
        let ttl = Array(String(settings.ttlSeconds).utf8)
        for pair in pairs {
            beginArguments()
            addArgument(Array("SET".utf8)); addArgument(pair.key); addArgument(pair.value)
            addArgument(Array("EX".utf8)); addArgument(ttl)
            guard append(context) else { return false }
        }
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else { drop(Self.errorText(context)); return false }
        }
        unreadReplies += pairs.count
        return true
    }

    /// Reads the replies of the SETs sent so far (each bounded by the timeout). Redis reads a client's
    /// pipeline 16 KiB at a time, so without this a process that stops right after storing could leave
    /// SETs unapplied when the next process reads.
    package func awaitReplies() {
        guard let context else { return }
        _ = readUnreadReplies(context)
    }

    /// Sends one command with its arguments and returns the reply's string or integer as text (for tests and tools).
    package func command(_ arguments: [String]) -> String? {
        if let router = clusterRouter() {
            let slot = arguments.count > 1 ? HashSlot.of(arguments[1]) : 0
            return router.execute([arguments.map { Array($0.utf8) }], slots: [slot]).first??.text
        }
        guard let context = connected() else { return nil }
        beginArguments()
        for a in arguments { addArgument(Array(a.utf8)) }
        guard append(context), readUnreadReplies(context), let reply = readReply(context) else { return nil }
        defer { freeReplyObject(reply) }
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS, REDIS_REPLY_ERROR:
            return String(decoding: UnsafeRawBufferPointer(start: r.str, count: r.len), as: UTF8.self)
        case REDIS_REPLY_INTEGER: return String(r.integer)
        case REDIS_REPLY_NIL: return nil
        default: return ""
        }
    }

    // MARK: connection state

    private func connected() -> UnsafeMutablePointer<redisContext>? {
        if let context { return context }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now >= retryAt else { return nil }
        let timeout = Self.timeval(milliseconds: settings.timeoutMilliseconds)
        let made: UnsafeMutablePointer<redisContext>?
        switch settings.endpoint {
        case let .tcp(host, port): made = redisConnectWithTimeout(host, Int32(port), timeout)
        case let .unix(path): made = redisConnectUnixWithTimeout(path, timeout)
        case .cluster: return nil  // reached through `router`'s connections, one per node
        }
        guard let made else {
            failed("cannot allocate a hiredis context")
            return nil
        }
        if made.pointee.err != 0 {
            let reason = Self.errorText(made)
            redisFree(made)
            failed(reason)
            return nil
        }
        if redisSetTimeout(made, timeout) != REDIS_OK {
            let reason = Self.errorText(made)
            redisFree(made)
            failed(reason)
            return nil
        }
        context = made
        backoffMilliseconds = settings.minBackoffMilliseconds
        health.succeeded()
        return made
    }

    private func append(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        let status = argumentBytes.withUnsafeBufferPointer { bytes -> Int32 in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            var lengths: [Int] = []
            pointers.reserveCapacity(argumentEnds.count)
            lengths.reserveCapacity(argumentEnds.count)
            var start = 0
            for end in argumentEnds {
                pointers.append(base + start)
                lengths.append(end - start)
                start = end
            }
            return pointers.withUnsafeMutableBufferPointer { p in
                lengths.withUnsafeBufferPointer { l in
                    redisAppendCommandArgv(context, Int32(p.count), p.baseAddress, l.baseAddress)
                }
            }
        }
        if status != REDIS_OK { drop(Self.errorText(context)); return false }
        return true
    }

    private func readReply(_ context: UnsafeMutablePointer<redisContext>) -> UnsafeMutablePointer<redisReply>? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
            drop(Self.errorText(context))
            return nil
        }
        return raw.assumingMemoryBound(to: redisReply.self)
    }

    /// Reads the replies of earlier SETs, which come before the current command's. A refused SET (say,
    /// Redis out of memory) only means that answer is not cached.
    private func readUnreadReplies(_ context: UnsafeMutablePointer<redisContext>) -> Bool {
        while unreadReplies > 0 {
            guard let reply = readReply(context) else { return false }
            freeReplyObject(reply)
            unreadReplies -= 1
        }
        return true
    }

    private func drop(_ reason: String) {
        if let context { redisFree(context) }
        context = nil
        unreadReplies = 0
        failed(reason)
    }

    private func failed(_ reason: String) {
        health.failed(reason)
        retryAt = DispatchTime.now().uptimeNanoseconds + UInt64(backoffMilliseconds) * 1_000_000
        backoffMilliseconds = min(backoffMilliseconds * 2, settings.maxBackoffMilliseconds)
    }

    private func beginArguments() {
        argumentBytes.removeAll(keepingCapacity: true)
        argumentEnds.removeAll(keepingCapacity: true)
        // Never empty, so the buffer always has a base address.
        argumentBytes.reserveCapacity(256)
    }

    private func addArgument(_ bytes: [UInt8]) {
        argumentBytes.append(contentsOf: bytes)
        argumentEnds.append(argumentBytes.count)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if text.isEmpty || text == "Resource temporarily unavailable" { return "timeout or I/O error (\(text))" }
        return text
    }

    private static func timeval(milliseconds: Int) -> Glibc.timeval {
        Glibc.timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
    }
}

extension RedisConnection {
    /// Sends every command of `commands` in one write and reads their replies, in order (an error reply is a
    /// `.error` value, not a failure); nil when Redis cannot be reached or a reply does not come within the
    /// timeout, the connection then being dropped like any other failure.
    package func pipeline(_ commands: RedisCommands) -> [RedisValue]? {
        if let router = clusterRouter() { return commands.isEmpty ? nil : router.pipeline(commands, slot: commands.slot ?? 0) }
        guard send(commands) else { return nil }
        return receive(commands.count)
    }

    /// The first half of `pipeline` on one server: every command of `commands` written now (so the server works
    /// on them while the caller writes to others); false when Redis cannot be reached. `receive` reads the replies.
    func send(_ commands: RedisCommands) -> Bool {
        guard !commands.isEmpty, let context = connected(), readUnreadReplies(context) else { return false }
        let appended = commands.bytes.withUnsafeBufferPointer { bytes -> Bool in
            // A buffer that is empty still needs a base address for the pointers below.
            let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            var lengths: [Int] = []
            var argument = 0, start = 0
            for count in commands.argumentCounts {
                pointers.removeAll(keepingCapacity: true)
                lengths.removeAll(keepingCapacity: true)
                for _ in 0..<count {
                    let end = commands.argumentEnds[argument]
                    pointers.append(base + start)
                    lengths.append(end - start)
                    start = end
                    argument += 1
                }
                let status = pointers.withUnsafeMutableBufferPointer { p in
                    lengths.withUnsafeBufferPointer { l in redisAppendCommandArgv(context, Int32(p.count), p.baseAddress, l.baseAddress) }
                }
                if status != REDIS_OK { return false }
            }
            return true
        }
        guard appended else { drop(Self.errorText(context)); return false }
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else { drop(Self.errorText(context)); return false }
        }
        return true
    }

    /// The replies of the `count` commands `send` wrote, in order (an error reply is a `.error` value, not a
    /// failure); nil when one does not come within the timeout, the connection then being dropped.
    func receive(_ count: Int) -> [RedisValue]? {
        guard let context else { return nil }
        var replies: [RedisValue] = []
        replies.reserveCapacity(count)
        for _ in 0..<count {
            guard let reply = readReply(context) else { return nil }
            replies.append(RedisValue(reply.pointee))
            freeReplyObject(reply)
        }
        return replies
    }
}
