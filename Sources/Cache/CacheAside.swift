import DomainKit
import Learners

/// The one cache-aside step of `classify` and `serve`: the names of a batch are answered by the LRU as
/// they are added (a repeat within the batch shares the first one's answer), then the rest together — one
/// Redis read when its policy says the round trip pays, then the model, which overlaps one name's table
/// reads with the next name's work — and `store` remembers what the model computed in both tiers.
/// One per thread: it owns its scratch memory and its Redis connection.
package final class CacheAside {
    package let redis: RedisConnection?
    package private(set) var answers = AnswerBatch()
    private let workspace = ClassifierWorkspace()
    /// Names of this batch no LRU knew, by key, so a repeat is looked up and classified once.
    private var firstMiss: [NameKey: Int] = [:]
    private var unanswered: [Domain] = []
    private var unansweredAt: [Int] = []

    /// This batch's names by where their answer came from; `repeats` shared an earlier miss's.
    package private(set) var lruHits = 0
    package private(set) var repeats = 0
    package private(set) var redisHits = 0
    package private(set) var computed = 0

    package init(redis: RedisConnection?) { self.redis = redis }

    package func reset() {
        answers.removeAll()
        firstMiss.removeAll(keepingCapacity: true)
        unanswered.removeAll(keepingCapacity: true)
        unansweredAt.removeAll(keepingCapacity: true)
        lruHits = 0; repeats = 0; redisHits = 0; computed = 0
    }

    /// The position of `domain`'s answer: the LRU's answer at once when it has one, else a place that
    /// `answerRest` fills.
    package func add(_ domain: Domain, cache: AnswerCache) -> Int {
        let key = NameKey(domain.name)
        let k = answers.append(domain.name)
        if cache.lru.capacity > 0, answers.answer(k, from: cache.lru, key: key) {
            lruHits += 1
            return k
        }
        if let earlier = firstMiss[key] {
            repeats += 1
            answers.removeLast()
            return earlier
        }
        firstMiss[key] = k
        unanswered.append(domain)
        unansweredAt.append(k)
        return k
    }

    /// Answers every name the LRU did not know: Redis first (when given, and when the round trip pays),
    /// then `classifier` with up to `k` labels each.
    package func answerRest(cache: AnswerCache, classifier: any DomainClassifier, k: Int) {
        defer { cache.count(lruHits: lruHits + repeats, redisHits: redisHits, misses: computed) }
        guard !unanswered.isEmpty else { return }
        if let redis {
            redisHits = cache.readRedis(&answers, at: unansweredAt, redis: redis)
            if redisHits > 0 {
                var left = 0
                for j in unanswered.indices where answers.tiers[unansweredAt[j]] != .redis {
                    unanswered[left] = unanswered[j]; unansweredAt[left] = unansweredAt[j]; left += 1
                }
                unanswered.removeLast(unanswered.count - left)
                unansweredAt.removeLast(unansweredAt.count - left)
            }
        }
        computed = unanswered.count
        cache.computeMisses(unanswered.count, redis: redis) {
            classifier.classifyEach(unanswered, k: max(1, k), workspace: workspace) { j, top in
                answers.answer(unansweredAt[j], top, tier: .model)
            }
        }
        // In the LRU at once: a client that sends again as soon as it has its answers finds them there.
        cache.remember(answers)
    }

    /// Stores what the model computed in Redis — after the answers went out, so a slow SET never delays a reply.
    package func store(cache: AnswerCache) {
        if let redis { cache.store(answers, redis: redis) }
    }

    /// At the end of a run: waits until Redis has taken every answer stored.
    package func finish() { redis?.awaitReplies() }

    package func top(_ i: Int) -> ArraySlice<LabelScore> { answers.top(i) }
}
