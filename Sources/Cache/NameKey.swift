/// A 128-bit fingerprint of a name's bytes, used as the cache key instead of the name itself: 16 bytes per
/// entry instead of a String (and its heap block), and no string hashing on the hot path. Two independent
/// 64-bit lanes must both collide for two names to share a key: about 2^-128 per pair of random names, far
/// below the chance of a memory bit flip.
package struct NameKey: Hashable, Sendable {
    package let lo: UInt64
    package let hi: UInt64

    package init(lo: UInt64, hi: UInt64) { self.lo = lo; self.hi = hi }

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var a: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var b: UInt64 = 0x1319_8A2E_0370_7344 &+ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        while i + 8 <= raw.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            a = Self.rotate((a ^ w) &* 0x9E37_79B9_7F4A_7C15, 29)
            b = Self.rotate((b &+ w) &* 0xC2B2_AE3D_27D4_EB4F, 31) ^ a
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count { tail |= UInt64(raw[i]) << shift; shift += 8; i += 1 }
        a = Self.rotate((a ^ tail) &* 0x9E37_79B9_7F4A_7C15, 29)
        b = Self.rotate((b &+ tail) &* 0xC2B2_AE3D_27D4_EB4F, 31) ^ a
        lo = Self.finish(a)
        hi = Self.finish(b ^ 0x5851_F42D_4C95_7F2D)
    }

    package init(_ name: String) {
        var s = name
        self = s.withUTF8 { NameKey($0) }
    }

    @inline(__always) private static func rotate(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    /// splitmix64's finaliser: every input bit reaches every output bit.
    @inline(__always) private static func finish(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
