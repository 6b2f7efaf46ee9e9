import Atomics
import Dispatch
import Learners

/// Where an answer came from.
public enum CacheTier: String, Sendable {
    case lru
    case redis
    /// Not cached: the model computed it.
    case model
}

/// The answers of one model, cached in two tiers: the in-process LRU, then Redis under
/// `domcat:<model-digest>:<domain>`, so a new model never serves an old answer. Thread-safe; each thread
/// brings its own `RedisConnection`. Redis failures are misses, never errors.
public final class AnswerCache: Sendable {
    public let modelDigest: String
    public let labelCount: Int
    public let lru: AnswerLRU
    private let keyPrefix: [UInt8]
    private let lruHitCount = ManagedAtomic<Int>(0)
    private let redisHitCount = ManagedAtomic<Int>(0)
    private let missCount = ManagedAtomic<Int>(0)

    /// `width`: labels kept per answer (the top-k served).
    public init(modelDigest: String, labelCount: Int, lruEntries: Int, width: Int) {
        self.modelDigest = modelDigest
        self.labelCount = labelCount
        lru = AnswerLRU(capacity: lruEntries, width: width)
        keyPrefix = Array("domcat:\(modelDigest):".utf8)
    }

    public var lruHits: Int { lruHitCount.load(ordering: .relaxed) }
    public var redisHits: Int { redisHitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    public func redisKey(_ name: String) -> [UInt8] { keyPrefix + Array(name.utf8) }

    /// The LRU's answer for one name, appended to `top`; false on a miss (Redis is not asked). Not counted
    /// here: callers add their hits with `countLRUHits` once per batch (one shared atomic per name would
    /// bounce between the cores).
    public func cachedAnswer(_ name: String, appendingTo top: inout [LabelScore]) -> Bool {
        lru.get(NameKey(name), appendingTo: &top)
    }

    public func countLRUHits(_ hits: Int) {
        if hits > 0 { lruHitCount.wrappingIncrement(by: hits, ordering: .relaxed) }
    }

    /// Answers every unanswered name of `batch` that a tier knows: the LRU first, then Redis in one MGET for
    /// the rest when the connection's read policy says the round trip pays; Redis's hits are copied into
    /// the LRU.
    public func lookup(_ batch: inout AnswerBatch, redis: RedisConnection?) {
        var missing: [Int] = []
        var lruHits = 0
        for i in 0..<batch.count where batch.tiers[i] == nil {
            if lru.capacity > 0, batch.answer(i, from: lru, key: NameKey(batch.names[i])) { lruHits += 1 } else { missing.append(i) }
        }
        lruHitCount.wrappingIncrement(by: lruHits, ordering: .relaxed)
        guard !missing.isEmpty else { return }
        var redisHits = 0
        if let redis, redis.readPolicy.shouldRead(names: missing.count) {
            let keys = missing.map { redisKey(batch.names[$0]) }
            let started = DispatchTime.now().uptimeNanoseconds
            let read = redis.mget(keys) { j, value in
                guard let value, let top = AnswerCodec.decode(value, labelCount: labelCount) else { return }
                let i = missing[j]
                batch.answer(i, top, tier: .redis)
                lru.set(NameKey(batch.names[i]), top[...])
                redisHits += 1
            }
            if read {
                redis.readPolicy.recordRead(keys: keys.count, hits: redisHits,
                                            nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
            }
        }
        redisHitCount.wrappingIncrement(by: redisHits, ordering: .relaxed)
        missCount.wrappingIncrement(by: missing.count - redisHits, ordering: .relaxed)
    }

    /// Runs the model's work for `names` misses, timing it for `redis`'s read policy (the cost a read saves).
    public func computeMisses(_ names: Int, redis: RedisConnection?, _ work: () -> Void) {
        guard let redis, redis.readPolicy.mode == .auto, names > 0 else { return work() }
        let started = DispatchTime.now().uptimeNanoseconds
        work()
        redis.readPolicy.recordModel(names: names, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
    }

    /// Remembers the answers of `batch` the model computed: in the LRU, and in Redis in one pipelined
    /// round of `SET … EX`.
    public func store(_ batch: AnswerBatch, redis: RedisConnection?) {
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for i in 0..<batch.count where batch.tiers[i] == .model {
            lru.set(NameKey(batch.names[i]), batch.top(i))
            guard redis != nil else { continue }
            var value: [UInt8] = []
            AnswerCodec.encode(batch.top(i), into: &value)
            pairs.append((redisKey(batch.names[i]), value))
        }
        if let redis, !pairs.isEmpty { redis.set(pairs) }
    }
}
