import Atomics
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
    public let lru: ShardedLRU<[LabelScore]>
    private let keyPrefix: [UInt8]
    private let lruHitCount = ManagedAtomic<Int>(0)
    private let redisHitCount = ManagedAtomic<Int>(0)
    private let missCount = ManagedAtomic<Int>(0)

    public init(modelDigest: String, labelCount: Int, lruEntries: Int) {
        self.modelDigest = modelDigest
        self.labelCount = labelCount
        lru = ShardedLRU(capacity: lruEntries)
        keyPrefix = Array("domcat:\(modelDigest):".utf8)
    }

    public var lruHits: Int { lruHitCount.load(ordering: .relaxed) }
    public var redisHits: Int { redisHitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    public func redisKey(_ name: String) -> [UInt8] { keyPrefix + Array(name.utf8) }

    /// Fills `found[i]` for each name that either tier knows, with its tier; Redis is asked once, for the
    /// names the LRU lacks, and its hits are copied into the LRU.
    public func lookup(_ names: [String], redis: RedisConnection?, into found: inout [(top: [LabelScore], tier: CacheTier)?]) {
        found.removeAll(keepingCapacity: true)
        var missing: [Int] = []
        for (i, name) in names.enumerated() {
            if let top = lru.get(name) {
                found.append((top, .lru))
            } else {
                found.append(nil)
                missing.append(i)
            }
        }
        lruHitCount.wrappingIncrement(by: names.count - missing.count, ordering: .relaxed)
        guard !missing.isEmpty else { return }
        var redisHits = 0
        if let redis {
            let keys = missing.map { redisKey(names[$0]) }
            _ = redis.mget(keys) { j, value in
                guard let value, let top = AnswerCodec.decode(value, labelCount: labelCount) else { return }
                let i = missing[j]
                found[i] = (top, .redis)
                lru.set(names[i], top)
                redisHits += 1
            }
        }
        redisHitCount.wrappingIncrement(by: redisHits, ordering: .relaxed)
        missCount.wrappingIncrement(by: missing.count - redisHits, ordering: .relaxed)
    }

    /// Remembers answers the model computed: in the LRU, and in Redis in one pipelined round of `SET … EX`.
    public func store(_ answers: [(name: String, top: [LabelScore])], redis: RedisConnection?) {
        guard !answers.isEmpty else { return }
        for a in answers { lru.set(a.name, a.top) }
        guard let redis else { return }
        var pairs: [(key: [UInt8], value: [UInt8])] = []
        pairs.reserveCapacity(answers.count)
        for a in answers {
            var value: [UInt8] = []
            AnswerCodec.encode(a.top, into: &value)
            pairs.append((redisKey(a.name), value))
        }
        redis.set(pairs)
    }
}
