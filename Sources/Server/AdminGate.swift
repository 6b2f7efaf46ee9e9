import Foundation
import NIOCore
import NIOHTTP1

/// Who may call `/admin/*` (on only with `--admin-token`): the bearer token, compared in constant time; JSON
/// requests only, which a web page cannot send to another origin without a preflight this server never
/// grants; at most one reload per `interval`, since each one reads and hashes the whole model file.
final class AdminGate: @unchecked Sendable {
    enum Verdict { case allowed, unauthorized, notJSON, tooSoon }

    private let token: [UInt8]
    private let interval: TimeAmount
    private let lock = NSLock()
    private var lastAllowed: NIODeadline?

    init(token: [UInt8], interval: TimeAmount = .seconds(1)) {
        self.token = token
        self.interval = interval
    }

    func check(_ head: HTTPRequestHead) -> Verdict {
        guard let given = Self.bearer(head.headers["Authorization"].first), Self.same(given, token) else { return .unauthorized }
        let mediaType = head.headers["Content-Type"].first?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard mediaType?.lowercased() == "application/json" else { return .notJSON }
        lock.lock(); defer { lock.unlock() }
        let now = NIODeadline.now()
        if let lastAllowed, now - lastAllowed < interval { return .tooSoon }
        lastAllowed = now
        return .allowed
    }

    private static func bearer(_ header: String?) -> [UInt8]? {
        guard let header, header.utf8.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return Array(header.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
    }

    /// Equal bytes, in a time that depends on the lengths only, not on where the first difference is.
    static func same(_ given: [UInt8], _ token: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == token.count ? 0 : 1
        for i in token.indices { difference |= token[i] ^ (i < given.count ? given[i] : 0) }
        return difference == 0
    }
}
