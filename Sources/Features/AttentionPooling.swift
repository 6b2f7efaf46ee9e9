import DomainKit

/// How often each word token occurred in the training corpus, keyed by its hash modulo 2^bits
/// (a count table, not a vocabulary: fixed size, so later batches never change its shape).
package struct TokenFrequencies: Sendable, Equatable {
    package let bits: Int
    package private(set) var counts: [UInt32]

    package init(bits: Int = 20) {
        precondition(bits > 0 && bits <= 28, "TokenFrequencies: bits")
        self.bits = bits
        counts = [UInt32](repeating: 0, count: 1 << bits)
    }

    @inline(__always)
    package func count(_ hash: UInt64) -> UInt32 { counts[Int(hash & UInt64(counts.count - 1))] }

    @inline(__always)
    package mutating func add(_ hash: UInt64) {
        let i = Int(hash & UInt64(counts.count - 1))
        if counts[i] < .max { counts[i] += 1 }
    }

    /// Counts every word token of `domain`.
    package mutating func add(_ domain: Domain, tokenizer: Tokenizer, scratch hashes: inout [UInt64]) {
        var name = domain.name
        name.withUTF8 { bytes in
            tokenizer.forEachToken(bytes) { kind, range in
                hashes.removeAll(keepingCapacity: true)
                tokenizer.tokenHashes(kind, UnsafeBufferPointer(rebasing: bytes[range]), into: &hashes)
                add(hashes[0])
            }
        }
    }

    package func bytes() -> [UInt8] {
        counts.withUnsafeBytes { Array($0) }
    }

    package init?(bytes: [UInt8], bits: Int) {
        guard bits > 0, bits <= 28, bytes.count == (1 << bits) * 4 else { return nil }
        self.bits = bits
        counts = [UInt32](repeating: 0, count: 1 << bits)
        bytes.withUnsafeBytes { source in counts.withUnsafeMutableBytes { $0.copyMemory(from: source) } }
    }
}

/// How attention pooling weighs a name's word tokens.
package enum PoolingWeights: String, Codable, Sendable, CaseIterable {
    /// w = 1/(1+freq) over training counts, normalised: rare tokens (a brand, an unusual label)
    /// dominate; `com`, `www`, `cdn` fade. Right for tables that were not trained through a pooling
    /// of their own (random or skipgram vectors).
    case inverseFrequency = "inverse-frequency"
    /// Each token by the number of rows it reads (its own and its n-grams'), plus the bias row: the
    /// pooling a supervised `linear` table was trained under, so its read-out gives the linear
    /// model's own label probabilities. On such a table inverse frequency moves the pooled vector
    /// off what the output rows were fitted to (v2fly test accuracy 0.60 vs 0.81, issue 3).
    case features
    /// `features` weights times one learned multiplier per token kind (and one for the bias row), fitted
    /// by `PoolingScaleFit` on names the table never saw, so that the read-out names their labels most
    /// often: e.g. how much the registrable name should count against the labels left of it. Needs a
    /// `linear` table trained here (the fit uses the out-of-fold models).
    case learned
}

/// Word-token vectors → one domain vector with per-token weights (see `PoolingWeights`).
/// The inverse-frequency weights also explain a prediction.
package struct AttentionPooling: Sendable {
    package let tokenizer: Tokenizer
    package let embedding: any TokenEmbedding
    package let frequencies: TokenFrequencies
    package let weighting: PoolingWeights
    /// Multipliers of the weights by token kind, indexed by `TokenKind.rawValue` (the bias row's too);
    /// all 1 unless `learned` pooling fitted them.
    package let kindScales: [Float]
    package var dimension: Int { embedding.dimension }
    /// Floats of scratch `pool` needs beyond its output.
    package var scratchCount: Int { embedding.dimension }

    package init(tokenizer: Tokenizer, embedding: any TokenEmbedding, frequencies: TokenFrequencies, weighting: PoolingWeights = .inverseFrequency,
                kindScales: [Float]? = nil) {
        self.tokenizer = tokenizer
        self.embedding = embedding
        self.frequencies = frequencies
        self.weighting = weighting
        self.kindScales = kindScales ?? Self.unitScales
        precondition(self.kindScales.count == Self.unitScales.count, "AttentionPooling: one scale per token kind")
    }

    package static let unitScales = [Float](repeating: 1, count: Int(TokenKind.allCases.map(\.rawValue).max()!) + 1)

    /// The unnormalised weight of one word token (`hashes`: its own, then its n-grams').
    @inline(__always)
    package func weight(_ kind: TokenKind, _ hashes: [UInt64]) -> Float {
        let base: Float = switch weighting {
        case .inverseFrequency: 1 / (1 + Float(frequencies.count(hashes[0])))
        case .features, .learned: Float(hashes.count)
        }
        return base * kindScales[Int(kind.rawValue)]
    }

    /// Every vector the pool averages, with its kind and unnormalised weight: each word token, then the
    /// bias row when this weighting pools it. `scratch` (`dimension` floats) holds the vector during `visit`.
    @inline(__always)
    package func forEachWeightedVector(_ bytes: UnsafeBufferPointer<UInt8>, hashes: inout [UInt64], scratch: UnsafeMutablePointer<Float>,
                                      _ visit: (TokenKind, Float, UnsafeMutablePointer<Float>) -> Void) {
        tokenizer.forEachToken(bytes) { kind, range in
            let token = UnsafeBufferPointer(rebasing: bytes[range])
            hashes.removeAll(keepingCapacity: true)
            tokenizer.tokenHashes(kind, token, into: &hashes)
            let w = weight(kind, hashes)
            hashes.withUnsafeBufferPointer { embedding.tokenVector(token, hashes: $0, into: scratch) }
            visit(kind, w, scratch)
        }
        guard weighting != .inverseFrequency else { return }
        // The bias row, as the `linear` table was trained with it.
        hashes.removeAll(keepingCapacity: true)
        hashes.append(Tokenizer.biasHash)
        hashes.withUnsafeBufferPointer { embedding.tokenVector(UnsafeBufferPointer(start: nil, count: 0), hashes: $0, into: scratch) }
        visit(.bias, kindScales[Int(TokenKind.bias.rawValue)], scratch)
    }

    /// Writes the pooled vector (`dimension` floats) to `out`; `scratch` holds `scratchCount` floats.
    /// Allocates nothing once `hashes` has grown.
    package func pool(_ bytes: UnsafeBufferPointer<UInt8>, hashes: inout [UInt64], scratch: UnsafeMutablePointer<Float>,
                     into out: UnsafeMutablePointer<Float>) {
        let d = embedding.dimension
        for c in 0..<d { out[c] = 0 }
        var total: Float = 0
        forEachWeightedVector(bytes, hashes: &hashes, scratch: scratch) { _, w, vector in
            for c in 0..<d { out[c] += w * vector[c] }
            total += w
        }
        if total > 0 {
            let inv = 1 / total
            for c in 0..<d { out[c] *= inv }
        }
    }

    /// Each word token and its normalised weight (they sum to 1), in token order.
    package func weights(_ domain: Domain) -> [(token: String, weight: Float)] {
        var hashes: [UInt64] = []
        var scored: [(String, Float)] = []
        for (kind, text) in tokenizer.words(domain) {
            hashes.removeAll(keepingCapacity: true)
            var bytes = text
            bytes.withUTF8 { tokenizer.tokenHashes(kind, $0, into: &hashes) }
            scored.append((text, weight(kind, hashes)))
        }
        let total = scored.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return scored }
        return scored.map { ($0.0, $0.1 / total) }
    }
}
