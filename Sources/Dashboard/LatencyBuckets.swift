/// Latency histogram buckets: four per power of two of microseconds (at most 25% wide), so percentiles (an
/// experiment's arms, the dashboard's batches) need a few dozen counters, and histograms from many instances
/// add up bucket by bucket.
package enum LatencyBuckets {
    package static func bucket(nanoseconds: Int64) -> Int {
        let us = max(0, Int(nanoseconds / 1000))
        if us < 4 { return us }
        let e = Int.bitWidth - 1 - us.leadingZeroBitCount
        return 4 * (e - 1) + ((us >> (e - 2)) & 3)
    }

    /// The bucket's upper edge in seconds.
    package static func upperBound(_ bucket: Int) -> Double {
        if bucket < 4 { return Double(bucket + 1) / 1e6 }
        let e = bucket / 4 + 1, m = bucket % 4
        return Double((5 + m) << (e - 2)) / 1e6
    }

    /// The upper edge of the bucket holding quantile `q` (0 < q ≤ 1): the q-th latency is at most this.
    package static func quantile(_ counts: [Int: Int], _ q: Double) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket]!
            if seen >= rank { return upperBound(bucket) }
        }
        return nil
    }
}
