import CSQLite
import Foundation

/// What SQLite said, with the statement or file it was about.
package struct SQLiteError: Error, CustomStringConvertible {
    package let code: Int32
    package let message: String
    package var description: String { message }
    /// Another process holds the write lock longer than the busy timeout.
    package var isBusy: Bool { code & 0xff == SQLITE_BUSY }
}

/// One connection to an SQLite file: just what the registry needs (statements with bound values, immediate
/// transactions). WAL lets readers go on while a writer commits; the busy timeout makes a second writer wait
/// for the first instead of failing.
package final class SQLiteDatabase {
    private var handle: OpaquePointer?

    package init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw SQLiteError(code: rc, message: "\(path): \(message)")
        }
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close(handle) }

    /// Runs SQL that returns no rows (several statements are fine).
    package func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        guard rc == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Runs one statement with `values` bound to its `?`s and returns its rows.
    @discardableResult
    package func query(_ sql: String, _ values: [SQLiteValue] = []) throws -> [SQLiteRow] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw failure() }
        defer { sqlite3_finalize(statement) }
        for (i, value) in values.enumerated() {
            let slot = Int32(i + 1), rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, slot)
            case let .integer(v): rc = sqlite3_bind_int64(statement, slot, v)
            case let .real(v): rc = sqlite3_bind_double(statement, slot, v)
            case let .text(v): rc = sqlite3_bind_text(statement, slot, v, -1, sqliteTransient)
            }
            guard rc == SQLITE_OK else { throw failure() }
        }
        var rows: [SQLiteRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return rows }
            guard rc == SQLITE_ROW else { throw failure() }
            var row = SQLiteRow()
            for column in 0..<sqlite3_column_count(statement) {
                let name = String(cString: sqlite3_column_name(statement, column))
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.values[name] = .integer(sqlite3_column_int64(statement, column))
                case SQLITE_FLOAT: row.values[name] = .real(sqlite3_column_double(statement, column))
                case SQLITE_NULL: row.values[name] = .null
                default: row.values[name] = .text(String(cString: sqlite3_column_text(statement, column)))
                }
            }
            rows.append(row)
        }
    }

    /// `body` inside `BEGIN IMMEDIATE … COMMIT`: the write lock is taken first, so what `body` reads cannot
    /// change before it writes; any error rolls everything back. `readOnly`: a deferred transaction, one
    /// consistent snapshot of several reads that takes no write lock.
    package func transaction<T>(readOnly: Bool = false, _ body: () throws -> T) throws -> T {
        try execute(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
    private func failure() -> SQLiteError { SQLiteError(code: sqlite3_extended_errcode(handle), message: lastMessage) }
}

package enum SQLiteValue: Equatable, Sendable {
    case null, integer(Int64), real(Double), text(String)
}

package struct SQLiteRow {
    package var values: [String: SQLiteValue] = [:]
    package func text(_ column: String) -> String? { if case let .text(v) = values[column] { v } else { nil } }
    package func int(_ column: String) -> Int? { if case let .integer(v) = values[column] { Int(v) } else { nil } }
    package func real(_ column: String) -> Double? {
        switch values[column] {
        case let .real(v): v
        case let .integer(v): Double(v)
        default: nil
        }
    }
}

/// SQLite copies bound text at once (SQLITE_TRANSIENT): the Swift string's bytes need not outlive the call.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
