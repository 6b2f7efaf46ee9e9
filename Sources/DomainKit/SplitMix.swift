/// A small seeded generator: training runs repeat exactly for the same seed.
package struct SplitMix: RandomNumberGenerator, Sendable {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    package mutating func nextUnit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [-1, 1).
    package mutating func nextSignedUnit() -> Float {
        Float(Int64(bitPattern: next()) >> 40) / Float(1 << 23)
    }
}
