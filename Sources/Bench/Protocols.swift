import Foundation

/// What is being driven, and how its requests and replies look on the wire.
package enum BenchTarget: Sendable {
    /// domcat's line protocol: one name per line, one answer per line.
    case line
    /// The line protocol's tagged requests, `@N<TAB>name`, answered `@N<TAB>…` in any order.
    case taggedLine
    /// domcat's `POST /predict`, `batch` names per request (1: `{"domain":…}`).
    case http(batch: Int)
    /// Redis `GET name`, the baseline.
    case redis
}

/// Appends one request for `names` (one name, or `batch` for HTTP); `tag` numbers a tagged line.
func encodeRequest(_ target: BenchTarget, names: [[UInt8]], tag: Int = 0, into out: inout [UInt8]) {
    switch target {
    case .taggedLine:
        out.append(UInt8(ascii: "@")); appendDecimal(tag, to: &out); out.append(0x09)
        out.append(contentsOf: names[0]); out.append(0x0A)
    case .line:
        out.append(contentsOf: names[0]); out.append(0x0A)
    case .redis:
        let key = names[0]
        out.append(contentsOf: "*2\r\n$3\r\nGET\r\n$".utf8)
        appendDecimal(key.count, to: &out)
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: key)
        out.append(contentsOf: "\r\n".utf8)
    case .http:
        var body: [UInt8] = []
        if names.count == 1 {
            body.append(contentsOf: "{\"domain\":\"".utf8); body.append(contentsOf: names[0]); body.append(contentsOf: "\"}".utf8)
        } else {
            body.append(contentsOf: "{\"domains\":[".utf8)
            for (i, n) in names.enumerated() {
                if i > 0 { body.append(UInt8(ascii: ",")) }
                body.append(UInt8(ascii: "\"")); body.append(contentsOf: n); body.append(UInt8(ascii: "\""))
            }
            body.append(contentsOf: "]}".utf8)
        }
        out.append(contentsOf: "POST /predict HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
        appendDecimal(body.count, to: &out)
        out.append(contentsOf: "\r\n\r\n".utf8)
        out.append(contentsOf: body)
    }
}

/// Counts complete replies in a byte stream, keeping the incomplete tail between reads.
struct ReplyFramer {
    let target: BenchTarget
    private var tail: [UInt8] = []
    /// Replies that said error (`!error`, `-ERR`, an HTTP status ≥ 400).
    private(set) var errors = 0

    init(target: BenchTarget) { self.target = target }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Int {
        if case .line = target {
            var n = 0
            for b in bytes where b == 0x0A { n += 1 }
            return n
        }
        tail.append(contentsOf: bytes)
        var position = 0
        var replies = 0
        while true {
            let used: Int?
            switch target {
            case .redis: used = redisReply(at: position)
            case .http: used = httpReply(at: position)
            case .line, .taggedLine: used = nil
            }
            guard let used else { break }
            position += used
            replies += 1
        }
        if position > 0 { tail.removeFirst(position) }
        return replies
    }

    private func lineEnd(from start: Int) -> Int? {
        var i = start
        while i + 1 < tail.count {
            if tail[i] == 0x0D, tail[i + 1] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    private func number(_ range: Range<Int>) -> Int {
        var v = 0, negative = false
        for i in range {
            if tail[i] == UInt8(ascii: "-") { negative = true; continue }
            v = v * 10 + Int(tail[i] &- 0x30)
        }
        return negative ? -v : v
    }

    private mutating func redisReply(at start: Int) -> Int? {
        guard start < tail.count, let end = lineEnd(from: start) else { return nil }
        switch tail[start] {
        case UInt8(ascii: "$"):
            let length = number(start + 1..<end)
            if length < 0 { return end + 2 - start }
            guard end + 2 + length + 2 <= tail.count else { return nil }
            return end + 2 + length + 2 - start
        case UInt8(ascii: "-"):
            errors += 1
            return end + 2 - start
        default:
            return end + 2 - start
        }
    }

    private mutating func httpReply(at start: Int) -> Int? {
        var i = start
        var contentLength = 0
        var lineStart = start
        var status = 0
        while let end = lineEnd(from: i) {
            if end == lineStart {
                let total = end + 2 + contentLength
                guard total <= tail.count else { return nil }
                if status >= 400 { errors += 1 }
                return total - start
            }
            if lineStart == start, end - start > 12 { status = number(start + 9..<start + 12) }
            let line = tail[lineStart..<end]
            if line.count > 15, String(decoding: line.prefix(15), as: UTF8.self).lowercased() == "content-length:" {
                contentLength = Int(String(decoding: line.dropFirst(15), as: UTF8.self).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            i = end + 2
            lineStart = i
        }
        return nil
    }
}

/// The tags of the tagged answers in a byte stream (`@N<TAB>…` lines), keeping an incomplete line between reads.
struct TaggedReplies {
    private var tag = 0
    private var inTag = false
    private var atLineStart = true
    /// Calls `each` with the tag of every answer line begun here; returns the lines without a tag (a server
    /// that does not know tags answers each with an error line).
    mutating func consume(_ bytes: UnsafeRawBufferPointer, each: (Int) -> Void) -> Int {
        var untagged = 0
        for b in bytes {
            if atLineStart {
                atLineStart = false
                if b == UInt8(ascii: "@") { inTag = true; tag = 0; continue }
                inTag = false
                untagged += 1
            }
            if b == 0x0A { atLineStart = true; continue }
            guard inTag else { continue }
            if b >= 0x30, b <= 0x39 { tag = tag * 10 + Int(b - 0x30) } else { inTag = false; each(tag) }
        }
        return untagged
    }
}
