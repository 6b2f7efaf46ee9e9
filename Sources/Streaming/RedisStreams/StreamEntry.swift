import Cache

/// One entry of a Redis Stream as XREADGROUP or XAUTOCLAIM return it. `fields` is nil for an entry still
/// pending whose data was trimmed away (`MAXLEN`) before anyone answered it.
struct StreamEntry {
    let id: [UInt8]
    let fields: [RedisValue]?

    /// The value of field `name`, if the entry has it.
    func value(_ name: String) -> [UInt8]? {
        guard let fields else { return nil }
        let wanted = Array(name.utf8)
        var i = 0
        while i + 1 < fields.count {
            if fields[i].bytes == wanted { return fields[i + 1].bytes }
            i += 2
        }
        return nil
    }

    /// `[[id, [field, value, …]], …]`; entries of another shape are left out.
    static func list(_ value: RedisValue?) -> [StreamEntry] {
        guard let items = value?.array else { return [] }
        return items.compactMap { item in
            guard let pair = item.array, pair.count == 2, let id = pair[0].bytes else { return nil }
            return StreamEntry(id: id, fields: pair[1].array)
        }
    }

    /// XREADGROUP's reply for one stream: `[[key, entries]]`, or null when the block timed out.
    static func fromRead(_ reply: RedisValue) -> [StreamEntry] {
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else { return [] }
        return list(first[1])
    }
}

/// The field names of domcat's stream entries: the query name in the input stream, the source entry's id
/// and the answer line in the output stream.
enum StreamField {
    static let name = "q"
    static let source = "src"
    static let answer = "a"
}

/// A Redis reply that says a command was refused, as an error to stop on (a wrong key type, a missing
/// group, a bad argument): retrying would only be refused again.
package struct StreamCommandError: Error, CustomStringConvertible {
    package let description: String
    init(_ command: String, _ reply: String) { description = "redis refused \(command): \(reply)" }
}
