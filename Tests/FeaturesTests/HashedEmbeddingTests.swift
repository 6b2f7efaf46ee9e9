import DomainKit
import Features
import XCTest

/// The hashed table: a random one regenerates the same values from its seed (a model stores only the
/// seed), a token vector is the mean of its hashes' rows, and the sparse encoding round-trips.
final class HashedEmbeddingTests: XCTestCase {
    private func vector(_ embedding: HashedEmbedding, _ hashes: [UInt64]) -> [Float] {
        var out = [Float](repeating: .nan, count: embedding.dimension)
        hashes.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { embedding.tokenVector(UnsafeBufferPointer(start: nil, count: 0), hashes: h, into: $0.baseAddress!) }
        }
        return out
    }

    /// 4 buckets × 2 dims: row r is [2r, 2r+1].
    private func smallLearned() -> HashedEmbedding {
        let values: [Float] = [0, 1, 2, 3, 4, 5, 6, 7]
        return values.withUnsafeBufferPointer { HashedEmbedding(learned: $0, bucketBits: 2, dimension: 2) }
    }

    func testRandomTableIsPinnedByItsSeed() {
        let a = HashedEmbedding(randomBucketBits: 6, dimension: 4, seed: 42)
        let b = HashedEmbedding(randomBucketBits: 6, dimension: 4, seed: 42)
        let c = HashedEmbedding(randomBucketBits: 6, dimension: 4, seed: 43)
        XCTAssertEqual(a.buckets, 64)
        XCTAssertEqual(a.values.count, 64 * 4)
        XCTAssertEqual(Array(a.values), Array(b.values), "same seed, same table")
        XCTAssertNotEqual(Array(a.values), Array(c.values), "another seed, another table")
        XCTAssertEqual(a.seed, 42)
        XCTAssertTrue(a.signed)
        // splitmix64's finaliser of (mix(seed) + i), top 24 bits signed, × 1/√4 / 2^23 — computed outside Swift.
        // A model file stores only the seed, so these values must never change.
        let expected: [Int32] = [5_759_482, -372_844, 7_492_501, 6_953_110, -7_209_490, -3_041_296]
        for (i, e) in expected.enumerated() {
            XCTAssertEqual(a.values[i], Float(e) / Float(1 << 24), "value \(i)")
        }
    }

    func testRandomValuesAreBoundedAndCentred() {
        let dimension = 16
        let table = HashedEmbedding(randomBucketBits: 10, dimension: dimension, seed: 7)
        let bound = 1 / Float(dimension).squareRoot()
        var sum = 0.0, squares = 0.0
        for v in table.values {
            XCTAssertTrue(v >= -bound && v < bound, "\(v) outside [−1/√d, 1/√d)")
            sum += Double(v); squares += Double(v) * Double(v)
        }
        let n = Double(table.values.count)
        XCTAssertEqual(sum / n, 0, accuracy: 0.01)
        // Uniform on [−b, b): variance b²/3.
        XCTAssertEqual(squares / n, Double(bound * bound) / 3, accuracy: 0.1 * Double(bound * bound) / 3)
    }

    func testTokenVectorIsTheMeanOfItsRows() {
        let table = smallLearned()
        XCTAssertFalse(table.signed)
        XCTAssertNil(table.seed)
        XCTAssertEqual(vector(table, [1]), [2, 3])
        XCTAssertEqual(vector(table, [1, 6]), [3, 4], "rows 1 and 2 (6 & 3 = 2)")
        XCTAssertEqual(vector(table, [0, 3, 3, 7]), [4.5, 5.5], "rows 0, 3, 3, 3")
        // A learned table is unsigned: the top bit of a hash only picks the bucket by its low bits.
        XCTAssertEqual(vector(table, [1 | 1 << 63]), [2, 3])
        XCTAssertEqual(vector(table, []), [0, 0], "no hashes: the zero vector, not NaN")
    }

    func testRandomTableFlipsTheRowOnTheTopBit() {
        let table = HashedEmbedding(randomBucketBits: 4, dimension: 3, seed: 5)
        let row5 = Array(table.values[15..<18])
        XCTAssertEqual(vector(table, [5]), row5)
        XCTAssertEqual(vector(table, [5 | 1 << 63]), row5.map { -$0 })
        // Opposite signs on one bucket cancel: collisions cancel in expectation.
        XCTAssertEqual(vector(table, [5, 5 | 1 << 63]), [0, 0, 0])
    }

    func testBloomHashesSumTheirRemixedRows() {
        let table = HashedEmbedding(randomBucketBits: 4, dimension: 2, hashesPerToken: 2, seed: 11)
        let h: UInt64 = 0x0123_4567_89AB_CDEF  // top bit clear: + row
        let second = mixHash(h &+ 1)
        func row(_ hash: UInt64) -> [Float] {
            let r = Int(hash & 15)
            let values = Array(table.values[2 * r..<2 * r + 2])
            return hash >> 63 != 0 ? values.map { -$0 } : values
        }
        let expected = zip(row(h), row(second)).map { $0 + $1 }
        let got = vector(table, [h])
        for c in 0..<2 { XCTAssertEqual(got[c], expected[c], accuracy: 1e-7) }
    }

    func testSparseBytesRoundTripAndStoreOnlyNonZeroRows() throws {
        let bits = 5, d = 3
        var dense = [Float](repeating: 0, count: (1 << bits) * d)
        for (r, value) in [(0, Float(1.5)), (7, -2), (31, 0.25)] { dense[r * d + 1] = value; dense[r * d + 2] = value * 2 }
        let table = dense.withUnsafeBufferPointer { HashedEmbedding(learned: $0, bucketBits: bits, dimension: d) }
        let bytes = table.sparseBytes()
        XCTAssertEqual(bytes.count, 4 + 3 * (4 + d * 4), "count, then 3 rows of (index, floats)")
        XCTAssertEqual(Array(bytes[0..<4]), [3, 0, 0, 0])
        let back = try XCTUnwrap(HashedEmbedding.fromSparse(bytes, bucketBits: bits, dimension: d))
        XCTAssertEqual(Array(back.values), dense)
        XCTAssertEqual(back.buckets, 32)

        let empty = [Float](repeating: 0, count: 8 * 2).withUnsafeBufferPointer { HashedEmbedding(learned: $0, bucketBits: 3, dimension: 2) }
        XCTAssertEqual(empty.sparseBytes(), [0, 0, 0, 0])
        XCTAssertEqual(try XCTUnwrap(HashedEmbedding.fromSparse([0, 0, 0, 0], bucketBits: 3, dimension: 2)).values.count, 16)
    }

    func testSparseBytesThatDoNotFitAreRefused() {
        let bits = 5, d = 3
        var dense = [Float](repeating: 0, count: (1 << bits) * d)
        dense[31 * d] = 1
        let bytes = dense.withUnsafeBufferPointer { HashedEmbedding(learned: $0, bucketBits: bits, dimension: d) }.sparseBytes()
        XCTAssertNil(HashedEmbedding.fromSparse(bytes, bucketBits: 4, dimension: d), "row 31 outside 16 buckets")
        XCTAssertNil(HashedEmbedding.fromSparse(bytes, bucketBits: bits, dimension: d + 1), "row width differs")
        XCTAssertNil(HashedEmbedding.fromSparse(Array(bytes.dropLast()), bucketBits: bits, dimension: d), "truncated")
        XCTAssertNil(HashedEmbedding.fromSparse(bytes + [0], bucketBits: bits, dimension: d), "trailing byte")
        XCTAssertNil(HashedEmbedding.fromSparse([1, 0], bucketBits: bits, dimension: d), "shorter than the count")
        XCTAssertNil(HashedEmbedding.fromSparse(bytes, bucketBits: 0, dimension: d))
        XCTAssertNil(HashedEmbedding.fromSparse(bytes, bucketBits: 29, dimension: d))
        XCTAssertNil(HashedEmbedding.fromSparse(bytes, bucketBits: bits, dimension: 0))
    }
}
