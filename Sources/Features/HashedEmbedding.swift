import DomainKit

/// A fixed table of `buckets × dimension` floats indexed by token and n-gram hashes: no vocabulary,
/// so the feature space never changes between batches.
///
/// Two sources fill it: seeded random values (regenerated from the seed, never stored), or a
/// learned table — the `linear` model's input rows, a supervised hashed embedding. Random vectors
/// carry little label information (issue 3's measurements); the learned table is the default.
///
/// With `hashesPerToken` k > 1 ("Bloom" embeddings) each hash is re-mixed k times and the k signed
/// rows summed, so two features colliding in one bucket rarely collide in all k.
package final class HashedEmbedding: TokenEmbedding, @unchecked Sendable {
    package let dimension: Int
    package let bucketBits: Int
    package let hashesPerToken: Int
    /// Random tables flip each row's sign by a hash bit, so collisions cancel in expectation.
    package let signed: Bool
    /// Seed of a random table; nil for a learned one.
    package let seed: UInt64?
    let table: UnsafeMutableBufferPointer<Float>

    package var buckets: Int { 1 << bucketBits }

    /// Seeded random values in [−1, 1), scaled by 1/√dimension.
    package init(randomBucketBits bits: Int, dimension: Int, hashesPerToken: Int = 1, seed: UInt64) {
        precondition(bits > 0 && bits <= 28 && dimension > 0 && hashesPerToken >= 1, "HashedEmbedding: sizes")
        bucketBits = bits
        self.dimension = dimension
        self.hashesPerToken = hashesPerToken
        signed = true
        self.seed = seed
        table = .allocate(capacity: (1 << bits) * dimension)
        let scale = 1 / Float(dimension).squareRoot() / Float(1 << 23)
        let base = mixHash(seed)
        for i in 0..<table.count {
            table[i] = Float(Int64(bitPattern: mixHash(base &+ UInt64(i))) >> 40) * scale
        }
    }

    /// A learned table (e.g. `LinearModel.input`), copied: `rows` floats per bucket, unsigned, one hash.
    package init(learned values: UnsafeBufferPointer<Float>, bucketBits bits: Int, dimension: Int) {
        precondition(values.count == (1 << bits) * dimension, "HashedEmbedding: table size")
        bucketBits = bits
        self.dimension = dimension
        hashesPerToken = 1
        signed = false
        seed = nil
        table = .allocate(capacity: values.count)
        _ = table.initialize(from: values)
    }

    deinit { table.deallocate() }

    /// The table's values, `buckets × dimension` row-major (to continue training a learned table).
    package var values: UnsafeBufferPointer<Float> { UnsafeBufferPointer(table) }

    /// Mean of the rows of the token's hash and its n-grams.
    @inline(__always)
    package func tokenVector(_ token: UnsafeBufferPointer<UInt8>, hashes: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<Float>) {
        let d = dimension
        let mask = UInt64(buckets - 1)
        let base = table.baseAddress!
        for c in 0..<d { out[c] = 0 }
        for hash in hashes {
            var h = hash
            for probe in 0..<hashesPerToken {
                if probe > 0 { h = mixHash(h &+ UInt64(probe)) }
                let row = base + Int(h & mask) * d
                if signed && h >> 63 != 0 {
                    for c in 0..<d { out[c] -= row[c] }
                } else {
                    for c in 0..<d { out[c] += row[c] }
                }
            }
        }
        let inv = 1 / Float(max(hashes.count, 1))
        for c in 0..<d { out[c] *= inv }
    }

    /// Non-zero rows as (u32 index, floats): untouched buckets of a learned table cost nothing on disk.
    package func sparseBytes() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0, 0]
        var count: UInt32 = 0
        let d = dimension
        for r in 0..<buckets {
            let row = UnsafeBufferPointer(rebasing: table[r * d..<(r + 1) * d])
            guard row.contains(where: { $0 != 0 }) else { continue }
            count += 1
            withUnsafeBytes(of: UInt32(r).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: UnsafeRawBufferPointer(row))
        }
        withUnsafeBytes(of: count.littleEndian) { for i in 0..<4 { out[i] = $0[i] } }
        return out
    }

    /// The inverse of `sparseBytes`; nil when the bytes do not fit the sizes.
    package static func fromSparse(_ bytes: [UInt8], bucketBits bits: Int, dimension d: Int) -> HashedEmbedding? {
        guard bits > 0, bits <= 28, d > 0, bytes.count >= 4 else { return nil }
        let count = bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        let rowBytes = 4 + d * 4
        guard bytes.count == 4 + count * rowBytes else { return nil }  // before the table is allocated
        var dense = [Float](repeating: 0, count: (1 << bits) * d)
        let ok: Bool = bytes.withUnsafeBytes { raw in
            dense.withUnsafeMutableBytes { target in
                for i in 0..<count {
                    let offset = 4 + i * rowBytes
                    let r = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    guard r < 1 << bits else { return false }
                    target.baseAddress!.advanced(by: r * d * 4).copyMemory(from: raw.baseAddress! + offset + 4, byteCount: d * 4)
                }
                return true
            }
        }
        guard ok else { return nil }
        return dense.withUnsafeBufferPointer { HashedEmbedding(learned: $0, bucketBits: bits, dimension: d) }
    }
}
