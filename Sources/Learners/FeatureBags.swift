import Dispatch
import DomainKit

/// Every training example's hashed features, computed once before the epochs:
/// one contiguous id array with offsets, not an array per example.
package struct FeatureBags: Sendable {
    package var ids: [UInt32] = []
    package var offsets: [Int] = [0]
    package var labels: [Int32] = []
    package var count: Int { labels.count }

    package init() {}

    /// Hashes every domain with `tokenizer` on `threads` threads; ids are bucket indices (`hash & mask`).
    package init(domains: [Domain], labels: [Int32], tokenizer: Tokenizer, bucketMask: UInt64, threads: Int) {
        let parts = max(1, min(threads, domains.count / 1000 + 1))
        var shards = [FeatureBags](repeating: FeatureBags(), count: parts)
        shards.withUnsafeMutableBufferPointer { shardPointer in
            let base = shardPointer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var shard = FeatureBags()
                var hashes: [UInt64] = []
                let range = part * domains.count / parts..<(part + 1) * domains.count / parts
                for i in range {
                    hashes.removeAll(keepingCapacity: true)
                    tokenizer.featureHashes(domains[i], into: &hashes)
                    for h in hashes { shard.ids.append(UInt32(truncatingIfNeeded: h & bucketMask)) }
                    shard.offsets.append(shard.ids.count)
                    shard.labels.append(labels[i])
                }
                base[part] = shard
            }
        }
        // Concatenate, releasing each shard as it is copied: the bags are the largest thing training holds.
        ids.reserveCapacity(shards.reduce(0) { $0 + $1.ids.count })
        offsets.reserveCapacity(domains.count + 1)
        self.labels.reserveCapacity(domains.count)
        for i in shards.indices {
            append(shards[i])
            shards[i] = FeatureBags()
        }
    }

    mutating func append(_ other: FeatureBags) {
        let base = ids.count
        ids.append(contentsOf: other.ids)
        offsets.append(contentsOf: other.offsets.dropFirst().map { $0 + base })
        labels.append(contentsOf: other.labels)
    }
}
