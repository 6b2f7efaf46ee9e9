import Atomics
import Dispatch
import Learners

/// Where an answer came from.
package enum CacheTier: String, Sendable {
    case lru
    case redis
    /// Not cached: the model computed it.
    case model
}

/// The answers of one model, cached in two tiers: the in-process LRU, then Redis under
/// `domcat:<model-digest>:<domain>`, so a new model never serves an old answer. Thread-safe; each thread
/// brings its own `RedisConnection`. Redis failures are misses, never errors.
package final class AnswerCache: Sendable {
    package let modelDigest: String
    package let labelCount: Int
    package let lru: AnswerLRU
    private let keyPrefix: [UInt8]
    private let lruHitCount = ManagedAtomic<Int>(0)
    private let redisHitCount = ManagedAtomic<Int>(0)
    private let missCount = ManagedAtomic<Int>(0)

    /// `width`: labels kept per answer (the top-k served).
    package init(modelDigest: String, labelCount: Int, lruEntries: Int, width: Int) {
        self.modelDigest = modelDigest
        self.labelCount = labelCount
        lru = AnswerLRU(capacity: lruEntries, width: width)
        keyPrefix = Array("domcat:\(modelDigest):".utf8)
    }

    package var lruHits: Int { lruHitCount.load(ordering: .relaxed) }
    package var redisHits: Int { redisHitCount.load(ordering: .relaxed) }
    package var misses: Int { missCount.load(ordering: .relaxed) }

    package func redisKey(_ name: String) -> [UInt8] { keyPrefix + Array(name.utf8) }

    /// The LRU's answer for one name, appended to `top`; false on a miss (Redis is not asked). Not counted
    /// here: callers count their hits once per batch with `count`.
    package func cachedAnswer(_ name: String, appendingTo top: inout [LabelScore]) -> Bool {
        lru.get(NameKey(name), appendingTo: &top)
    }

    /// Counts one batch's answers by tier; callers add them once per batch (one shared atomic per name
    /// would bounce between the cores).
    package func count(lruHits: Int, redisHits: Int, misses: Int) {
        if lruHits > 0 { lruHitCount.wrappingIncrement(by: lruHits, ordering: .relaxed) }
        if redisHits > 0 { redisHitCount.wrappingIncrement(by: redisHits, ordering: .relaxed) }
        if misses > 0 { missCount.wrappingIncrement(by: misses, ordering: .relaxed) }
    }

    /// Reads the names of `batch` at `positions` from Redis in one MGET, when the connection's read policy
    /// says the round trip pays; its hits are copied into the LRU. Returns how many it answered.
    package func readRedis(_ batch: inout AnswerBatch, at positions: [Int], redis: RedisConnection) -> Int {
        guard !positions.isEmpty, redis.readPolicy.shouldRead(names: positions.count) else { return 0 }
        var hits = 0
        let keys = positions.map { redisKey(batch.names[$0]) }
        let started = DispatchTime.now().uptimeNanoseconds
        let read = redis.mget(keys) { j, value in
            guard let value, let top = AnswerCodec.decode(value, labelCount: labelCount) else { return }
            let i = positions[j]
            batch.answer(i, top, tier: .redis)
            lru.set(NameKey(batch.names[i]), top[...])
            hits += 1
        }
        if read {
            redis.readPolicy.recordRead(keys: keys.count, hits: hits, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
        }
        return hits
    }

    /// Runs the model's work for `names` misses, timing it for `redis`'s read policy (the cost a read saves).
    package func computeMisses(_ names: Int, redis: RedisConnection?, _ work: () -> Void) {
        guard let redis, redis.readPolicy.mode == .auto, names > 0 else { return work() }
        let started = DispatchTime.now().uptimeNanoseconds
        work()
        redis.readPolicy.recordModel(names: names, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
    }

    /// Remembers the answers of `batch` the model computed in the LRU, so the next request finds them.
    package func remember(_ batch: AnswerBatch) {
        for i in 0..<batch.count where batch.tiers[i] == .model { lru.set(NameKey(batch.names[i]), batch.top(i)) }
    }

    /// Stores the answers of `batch` the model computed in Redis, in one pipelined round of `SET … EX`.
    package func store(_ batch: AnswerBatch, redis: RedisConnection) {
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        for i in 0..<batch.count where batch.tiers[i] == .model {
            var value: [UInt8] = []
            AnswerCodec.encode(batch.top(i), into: &value)
            pairs.append((redisKey(batch.names[i]), value))
        }
        if !pairs.isEmpty { redis.set(pairs) }
    }
}
