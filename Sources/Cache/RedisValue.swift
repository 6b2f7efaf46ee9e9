import CHiredis

/// One Redis reply, copied out of hiredis's reply tree, for the commands whose replies are structured
/// (streams, transactions, server info). The cache's hot MGET reads hiredis's tree in place instead.
package enum RedisValue: Sendable, Equatable {
    case string([UInt8])
    case status(String)
    case error(String)
    case integer(Int)
    case array([RedisValue])
    case null

    init(_ reply: redisReply) {
        switch reply.type {
        case REDIS_REPLY_STRING:
            self = .string(Array(UnsafeRawBufferPointer(start: reply.str, count: reply.len)))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(reply.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<reply.elements).map { RedisValue(reply.element[$0]!.pointee) })
        default:
            self = .null
        }
    }

    package var array: [RedisValue]? { if case let .array(a) = self { a } else { nil } }
    package var bytes: [UInt8]? { if case let .string(b) = self { b } else { nil } }
    package var text: String? {
        switch self {
        case let .string(b): String(decoding: b, as: UTF8.self)
        case let .status(s): s
        case let .integer(i): String(i)
        default: nil
        }
    }
    package var integer: Int? {
        switch self {
        case let .integer(i): i
        case let .string(b): Int(String(decoding: b, as: UTF8.self))
        default: nil
        }
    }
    package var errorText: String? { if case let .error(e) = self { e } else { nil } }

    /// A flat `[key, value, key, value, …]` reply (XINFO, CONFIG GET) as a lookup.
    package func field(_ name: String) -> RedisValue? {
        guard let a = array else { return nil }
        var i = 0
        while i + 1 < a.count {
            if a[i].text == name { return a[i + 1] }
            i += 2
        }
        return nil
    }
}

/// Commands sent together in one write (a pipeline), their arguments back to back in one buffer.
package struct RedisCommands {
    var bytes: [UInt8] = []
    var argumentEnds: [Int] = []
    /// The number of arguments of each command.
    var argumentCounts: [Int] = []
    /// The hash slot every command here touches, for a Redis Cluster (a stream and its answers share one).
    package var slot: Int?

    package init() { bytes.reserveCapacity(4096) }

    package var count: Int { argumentCounts.count }
    package var isEmpty: Bool { argumentCounts.isEmpty }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        argumentEnds.removeAll(keepingCapacity: true)
        argumentCounts.removeAll(keepingCapacity: true)
    }

    /// Starts a command; its arguments follow with `add`.
    package mutating func command(_ name: String) {
        argumentCounts.append(0)
        add(name)
    }

    package mutating func add(_ argument: String) {
        var s = argument
        s.withUTF8 { add($0) }
    }

    package mutating func add(_ argument: some Collection<UInt8>) {
        bytes.append(contentsOf: argument)
        argumentEnds.append(bytes.count)
        argumentCounts[argumentCounts.count - 1] += 1
    }

    package mutating func add(_ argument: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: argument)
        argumentEnds.append(bytes.count)
        argumentCounts[argumentCounts.count - 1] += 1
    }

    package mutating func add(_ number: Int) { add(String(number)) }

    /// Extends the last argument added (to build one value from pieces without a copy of its own).
    package mutating func appendToLastArgument(_ bytes: some Collection<UInt8>) {
        self.bytes.append(contentsOf: bytes)
        argumentEnds[argumentEnds.count - 1] = self.bytes.count
    }

    package mutating func appendToLastArgument(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes.append(contentsOf: bytes)
        argumentEnds[argumentEnds.count - 1] = self.bytes.count
    }
}
