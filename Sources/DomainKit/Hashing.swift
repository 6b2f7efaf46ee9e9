/// FNV-1a 64: the hash the corpus split rule names, and the one every hashed feature uses.
package enum FNV1a64 {
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    package static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    package static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }

    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = offsetBasis) -> UInt64 {
        var h = seed
        for b in bytes { h = step(h, b) }
        return h
    }

    package static func hash(_ string: String) -> UInt64 {
        var s = string
        return s.withUTF8 { hash($0) }
    }
}

/// A final avalanche so hashes of similar strings spread over every bucket bit (splitmix64's finaliser).
@inline(__always)
package func mixHash(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
}
