import CHiredis
import Foundation

/// One Redis `SUBSCRIBE` on its own thread: hands every message published on `channel` to `onMessage`, and
/// calls `onConnect` after each (re)connection — messages published while it was away are gone, so the
/// caller reads again whatever the messages announce. A dead Redis is retried with a doubling backoff
/// (0.1 s up to 5 s); `stop` ends the thread at once by shutting the socket.
package final class RedisSubscriber: @unchecked Sendable {
    private let endpoint: RedisEndpoint
    private let channel: String
    private let onMessage: @Sendable (String) -> Void
    private let onConnect: @Sendable () -> Void
    private let onFailure: @Sendable (String) -> Void
    private let lock = NSLock()
    private var context: UnsafeMutablePointer<redisContext>?
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)

    package init(endpoint: RedisEndpoint, channel: String, onMessage: @escaping @Sendable (String) -> Void,
                 onConnect: @escaping @Sendable () -> Void = {}, onFailure: @escaping @Sendable (String) -> Void = { _ in }) {
        (self.endpoint, self.channel, self.onMessage, self.onConnect, self.onFailure) = (endpoint, channel, onMessage, onConnect, onFailure)
        signal(SIGPIPE, SIG_IGN)
    }

    package func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "domcat-redis-subscriber"
        thread.start()
    }

    package func stop() {
        lock.lock()
        stopped = true
        if let context { shutdown(context.pointee.fd, Int32(SHUT_RDWR)) }
        lock.unlock()
        finished.wait()
    }

    private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func run() {
        var backoff = 0.1
        while !isStopped {
            if let reason = listen() {
                guard !isStopped else { break }
                onFailure(reason)
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 5)
            } else {
                backoff = 0.1
            }
        }
    }

    /// One connection's life: connect, subscribe, read messages until an error; returns why it ended.
    private func listen() -> String? {
        let timeout = timeval(tv_sec: 1, tv_usec: 0)
        let made: UnsafeMutablePointer<redisContext>?
        switch endpoint {
        case let .tcp(host, port): made = redisConnectWithTimeout(host, Int32(port), timeout)
        case let .unix(path): made = redisConnectUnixWithTimeout(path, timeout)
        case let .cluster(seeds):
            // A cluster's nodes pass every PUBLISH on to each other: the first seed hears the channel.
            guard case let .tcp(host, port)? = seeds.first else { return "no cluster node to subscribe at" }
            made = redisConnectWithTimeout(host, Int32(port), timeout)
        }
        guard let made else { return "cannot allocate a hiredis context" }
        lock.lock()
        context = made
        let stoppedMeanwhile = stopped
        lock.unlock()
        defer {
            lock.lock(); context = nil; lock.unlock()
            redisFree(made)
        }
        if stoppedMeanwhile { return nil }
        guard made.pointee.err == 0 else { return Self.errorText(made) }
        // Reads block until a message comes (no timeout); keepalive finds a peer that vanished.
        _ = redisSetTimeout(made, timeval(tv_sec: 0, tv_usec: 0))
        _ = redisEnableKeepAlive(made)
        guard let reply = command(made, ["SUBSCRIBE", channel]) else { return Self.errorText(made) }
        freeReplyObject(reply)
        onConnect()
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(made, &raw) == REDIS_OK, let raw else { return isStopped ? nil : Self.errorText(made) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            defer { freeReplyObject(reply) }
            // ["message", channel, payload]
            let r = reply.pointee
            guard r.type == REDIS_REPLY_ARRAY, r.elements == 3, let payload = r.element[2]?.pointee,
                  payload.type == REDIS_REPLY_STRING, let str = payload.str else { continue }
            onMessage(String(decoding: UnsafeRawBufferPointer(start: str, count: payload.len), as: UTF8.self))
        }
    }

    private func command(_ context: UnsafeMutablePointer<redisContext>, _ arguments: [String]) -> UnsafeMutablePointer<redisReply>? {
        let c = arguments.map { strdup($0) }
        defer { c.forEach { free($0) } }
        var pointers = c.map { UnsafePointer<CChar>($0) }
        var lengths = arguments.map { $0.utf8.count }
        let raw = redisCommandArgv(context, Int32(arguments.count), &pointers, &lengths)
        return raw?.assumingMemoryBound(to: redisReply.self)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: context.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? "connection closed" : text
    }
}
