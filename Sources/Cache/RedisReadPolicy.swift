import Dispatch

/// When LRU misses are looked up in Redis.
package enum RedisReads: String, Sendable, CaseIterable {
    /// Only when the round trip is expected to cost less than the model work it saves.
    case auto
    /// Every batch of LRU misses.
    case always
}

/// Whether one batch's LRU misses are worth a Redis round trip. Redis holds exactly what the model would
/// compute (its keys carry the model digest), so a read only saves model work: with a cheap model (linear,
/// about a microsecond a name) a loopback round trip under load (tens to hundreds of microseconds) costs
/// more than it saves, and the names behind it wait. In `.auto` a batch reads when Redis's hit share ×
/// names × model time per name > round trip time, all three measured as it runs (moving averages). Until
/// every figure is known, and at least every 100 ms (`probeIntervalNanoseconds`), it reads anyway, so the
/// figures follow Redis warming up or slowing down. One per `RedisConnection`: not thread-safe.
package struct RedisReadPolicy: Sendable {
    package let mode: RedisReads
    static let probeIntervalNanoseconds: UInt64 = 100_000_000
    /// Weight of the newest sample in each moving average.
    static let weight = 0.2
    package private(set) var roundTripNanoseconds: Double?
    package private(set) var hitShare: Double?
    package private(set) var modelNanosecondsPerName: Double?
    private var lastRead: UInt64 = 0

    package init(mode: RedisReads) { self.mode = mode }

    package func shouldRead(names: Int, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Bool {
        guard mode == .auto else { return true }
        guard let roundTrip = roundTripNanoseconds, let share = hitShare, let perName = modelNanosecondsPerName,
              now &- lastRead < Self.probeIntervalNanoseconds else { return true }
        return share * Double(names) * perName > roundTrip
    }

    /// A read that reached Redis: `keys` asked, `hits` found, in `nanoseconds`.
    package mutating func recordRead(keys: Int, hits: Int, nanoseconds: UInt64, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        guard keys > 0 else { return }
        Self.average(&roundTripNanoseconds, Double(nanoseconds))
        Self.average(&hitShare, Double(hits) / Double(keys))
        lastRead = now
    }

    /// The model answered `names` names in `nanoseconds`.
    package mutating func recordModel(names: Int, nanoseconds: UInt64) {
        guard names > 0 else { return }
        Self.average(&modelNanosecondsPerName, Double(nanoseconds) / Double(names))
    }

    private static func average(_ value: inout Double?, _ sample: Double) {
        value = value.map { $0 + weight * (sample - $0) } ?? sample
    }
}
