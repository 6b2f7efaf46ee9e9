/// A Redis Stream named by a URL: `redis://HOST:PORT/KEY` or `redis-cluster://H1:P1,H2:P2/KEY` (the key is
/// everything after the first slash, kept as written, so `redis://127.0.0.1:6379/{dns}:in` names the key `{dns}:in`).
package struct StreamAddress: Sendable, Equatable, CustomStringConvertible {
    package let endpoint: RedisEndpoint
    package let key: String

    package init?(url: String) {
        guard url.hasPrefix("redis://") || url.hasPrefix("redis-cluster://"), let endpoint = RedisEndpoint(url: url) else { return nil }
        let rest = url.drop { $0 != "/" }.dropFirst(2)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let key = rest[rest.index(after: slash)...]
        guard !key.isEmpty else { return nil }
        self.endpoint = endpoint
        self.key = String(key)
    }

    package var description: String { "\(endpoint)/\(key)" }
    package var slot: Int { HashSlot.of(key) }
}

/// Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag — the part between
/// the first `{` and the next `}` when that part is not empty — modulo 16384. Keys with one tag share a
/// slot, which a transaction over two keys needs.
package enum HashSlot {
    package static let count = 16384

    package static func of(_ key: some Collection<UInt8>) -> Int {
        let bytes = Array(key)
        if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
           let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1 {
            return Int(crc16(bytes[(open + 1)..<close]) % UInt16(count))
        }
        return Int(crc16(bytes[...]) % UInt16(count))
    }

    package static func of(_ key: String) -> Int { of(Array(key.utf8)) }

    /// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection (the one Redis Cluster uses).
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        }
        return crc
    }
}
