import Learners

/// The `trained-names` section, any kind: n × u64 name hash (strictly increasing), then n × u16 label.
package enum TrainedNamesCodec {
    package static let section = "trained-names"

    package static func encode(_ names: TrainedNames) -> [UInt8] {
        let entries = names.entries
        var writer = ByteWriter()
        for entry in entries { writer.u64(entry.hash) }
        for entry in entries { writer.u16(entry.label) }
        return writer.bytes
    }

    package static func decode(_ bytes: [UInt8], labelCount: Int) throws -> TrainedNames {
        guard bytes.count % 10 == 0 else { throw ModelDataError("trained-names: \(bytes.count) bytes is no whole number of names") }
        let count = bytes.count / 10
        var reader = ByteReader(bytes: bytes, truncated: ModelDataError("trained-names truncated"))
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        for _ in 0..<count {
            let hash = try reader.u64()
            guard hash > (hashes.last ?? 0) else { throw ModelDataError("trained-names: hashes out of order") }
            hashes.append(hash)
        }
        var names = TrainedNames([], capacity: count)
        for hash in hashes {
            let label = try reader.u16()
            guard Int(label) < labelCount else { throw ModelDataError("trained-names: label \(label) of \(labelCount)") }
            names.insert(hash: hash, label: label)
        }
        return names
    }
}
