#if canImport(Glibc)
import Glibc
#endif

/// How many training names had a feature in each hash bucket, and of how many names: the idf weights of
/// `FeatureWeighting.idf`. Counts, not weights, are what the model keeps, so a continued batch adds its
/// counts and the weights stay those of every name seen (the table is as vocabulary-free as the rows).
package final class DocumentFrequency: @unchecked Sendable {
    package private(set) var counts: [UInt32]
    package private(set) var documents: UInt64
    /// ln((1 + n) / (1 + df)) + 1 per bucket (scikit-learn's smoothed idf), kept beside the counts.
    package private(set) var idf: [Float]

    package init(buckets: Int) {
        counts = [UInt32](repeating: 0, count: buckets)
        documents = 0
        idf = []
        refresh()
    }

    package init(counts: [UInt32], documents: UInt64) {
        self.counts = counts
        self.documents = documents
        idf = []
        refresh()
    }

    package func copy() -> DocumentFrequency { DocumentFrequency(counts: counts, documents: documents) }

    /// Adds every bag's buckets (each once per name), then recomputes the weights.
    package func add(_ bags: FeatureBags) {
        var lastSeen = [Int32](repeating: -1, count: counts.count)
        for e in 0..<bags.count {
            for i in bags.offsets[e]..<bags.offsets[e + 1] {
                let b = Int(bags.ids[i])
                if lastSeen[b] != Int32(e) { lastSeen[b] = Int32(e); counts[b] &+= 1 }
            }
        }
        documents += UInt64(bags.count)
        refresh()
    }

    private func refresh() {
        let n = Float(documents)
        idf = counts.map { logf((1 + n) / (1 + Float($0))) + 1 }
    }

    /// Non-zero counts as (u32 bucket, u32 count) after a u64 document count and a u32 entry count, little-endian.
    package func sparseBytes() -> [UInt8] {
        var out: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(documents)
        put(UInt32(counts.count { $0 != 0 }))
        for (b, c) in counts.enumerated() where c != 0 { put(UInt32(b)); put(c) }
        return out
    }

    package static func fromSparse(_ bytes: [UInt8], buckets: Int) throws -> DocumentFrequency {
        try bytes.withUnsafeBytes { raw in
            guard raw.count >= 12 else { throw ModelDataError("document frequencies shorter than their header") }
            let documents = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let entries = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            guard raw.count == 12 + entries * 8 else { throw ModelDataError("document frequencies have \(raw.count) bytes, expected \(12 + entries * 8)") }
            var counts = [UInt32](repeating: 0, count: buckets)
            for i in 0..<entries {
                let b = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 12 + i * 8, as: UInt32.self)))
                guard b < buckets else { throw ModelDataError("document frequency of bucket \(b) outside \(buckets)") }
                counts[b] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16 + i * 8, as: UInt32.self))
            }
            return DocumentFrequency(counts: counts, documents: documents)
        }
    }
}
