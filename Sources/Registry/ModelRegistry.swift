import DomainKit
import Foundation
import ModelStore

/// A folder of model versions: `index.sqlite` (versions, the production stack, the audit log) and
/// `models/VERSION.dcm`. Every change is one SQLite transaction, so two processes at once, or a `kill -9`
/// mid-command, leave the index whole; a model file is in place (written, synced, renamed) before the row
/// naming it commits, so the index never names a file that is not there.
package final class ModelRegistry {
    package let directory: String
    let db: SQLiteDatabase
    /// Who is acting, for the audit log.
    package var actor = ProcessInfo.processInfo.environment["USER"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"

    package static let defaultDirectory = "models"

    package init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/models", withIntermediateDirectories: true)
        let path = directory + "/index.sqlite"
        db = try SQLiteDatabase(path: path)
        try RegistrySchema.migrate(db, path: path)
    }

    // MARK: versions

    /// Registers a model file under `version`, or the next version by `bump`, or by `VersionRule` against the
    /// model it continues (else production, else the latest); the first model is 1.0.0.
    @discardableResult
    package func add(path: String, version: SemanticVersion? = nil, bump: SemanticVersion.Bump? = nil, notes: String? = nil,
                     testReport: String? = nil, suffixes: PublicSuffixList) throws -> RegisteredModel {
        let model = try Model.load(path: path, suffixes: suffixes)  // checks the SHA-256 and every section
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return try db.transaction {
            if let existing = try db.query("SELECT version FROM models WHERE digest = ?", [.text(model.digest)]).first?.text("version") {
                throw RegistryError("\(path) is already registered as \(existing)")
            }
            let chosen = try version ?? nextVersion(for: model, bump: bump)
            guard try db.query("SELECT 1 FROM models WHERE version = ?", [.text(chosen.description)]).isEmpty else {
                throw RegistryError("version \(chosen) is taken")
            }
            let file = "models/\(chosen).dcm"
            try Self.copyDurably(from: path, to: directory + "/" + file)
            do {
                let header = String(decoding: try JSONEncoder().encode(model.header), as: UTF8.self)
                try db.query("""
                    INSERT INTO models (version, major, minor, patch, digest, file, name, kind, parent_digest, corpus_digest,
                                        header, size_bytes, test_report, notes, added_at, added_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(chosen.description), .integer(Int64(chosen.major)), .integer(Int64(chosen.minor)),
                          .integer(Int64(chosen.patch)), .text(model.digest), .text(file), .text(model.name),
                          .text(model.header.kind), model.header.parent.map(SQLiteValue.text) ?? .null,
                          .text(model.header.corpusDigest), .text(header), .integer(Int64(size)),
                          testReport.map(SQLiteValue.text) ?? .null, notes.map(SQLiteValue.text) ?? .null, .text(Self.now()), .text(actor)])
                try log("add", chosen.description, detail: model.digest)
            } catch {
                try? FileManager.default.removeItem(atPath: directory + "/" + file)
                throw error
            }
            return try self.model(chosen.description)
        }
    }

    func nextVersion(for model: Model, bump: SemanticVersion.Bump?) throws -> SemanticVersion {
        let all = try list(includeArchived: true)
        guard let latest = all.map(\.version).max() else { return SemanticVersion(1, 0, 0) }
        let production = try production()
        let base = all.first { $0.digest == model.header.parent } ?? production ?? all.max { $0.version < $1.version }!
        let part = try bump ?? VersionRule.bump(model.header, after: base.header(), baseDigest: base.digest)
        // Bumped from the latest, so a bump never lands on a version already taken.
        return latest.bumped(part)
    }

    package func list(includeArchived: Bool = false) throws -> [RegisteredModel] {
        try db.query("SELECT * FROM models" + (includeArchived ? "" : " WHERE status = 'registered'") + " ORDER BY major, minor, patch")
            .map(RegisteredModel.init)
    }

    package func model(_ version: String) throws -> RegisteredModel {
        guard let row = try db.query("SELECT * FROM models WHERE version = ?", [.text(version)]).first else {
            throw RegistryError("no version \(version) in \(directory)")
        }
        return try RegisteredModel(row)
    }

    /// The version's model, its file checked against the digest recorded when it was added.
    package func load(_ version: String, suffixes: PublicSuffixList) throws -> Model {
        let entry = try model(version)
        let loaded = try Model.load(path: directory + "/" + entry.file, suffixes: suffixes)
        guard loaded.digest == entry.digest else {
            throw RegistryError("\(entry.file) has SHA-256 \(loaded.digest.prefix(12)), registered as \(entry.digest.prefix(12)): the file was replaced")
        }
        return loaded
    }

    // MARK: production

    package func production() throws -> RegisteredModel? {
        guard let version = try db.query("SELECT version FROM production ORDER BY position DESC LIMIT 1").first?.text("version") else { return nil }
        return try model(version)
    }

    package func promote(_ version: String) throws {
        try db.transaction {
            let entry = try model(version)
            guard entry.status == .registered else { throw RegistryError("\(version) is archived") }
            let current = try production()
            guard current?.version.description != version else { throw RegistryError("\(version) is already in production") }
            try db.query("INSERT INTO production (version) VALUES (?)", [.text(version)])
            try log("promote", version, detail: current.map { "was \($0.version)" })
        }
    }

    /// Back to the version in production before the current one was promoted. Returns (from, to).
    @discardableResult
    package func rollback() throws -> (from: String, to: String) {
        try db.transaction {
            let stack = try db.query("SELECT position, version FROM production ORDER BY position DESC LIMIT 2")
            guard stack.count == 2, let from = stack[0].text("version"), let to = stack[1].text("version"), let top = stack[0].int("position") else {
                throw RegistryError(stack.isEmpty ? "nothing is in production" : "no earlier production version to roll back to")
            }
            try db.query("DELETE FROM production WHERE position = ?", [.integer(Int64(top))])
            try log("rollback", to, detail: "was \(from)")
            return (from, to)
        }
    }

    package func archive(_ version: String) throws {
        try db.transaction {
            let entry = try model(version)
            if try production()?.version == entry.version { throw RegistryError("\(version) is in production: promote another first") }
            if let running = try runningExperiment(), [running.control, running.treatment].contains(version) {
                throw RegistryError("\(version) is an arm of experiment \(running.id): stop it first")
            }
            try db.query("UPDATE models SET status = 'archived' WHERE version = ?", [.text(version)])
            try log("archive", version, detail: nil)
        }
    }

    /// Deletes all but the newest `keep` versions, never one in production or in the rollback stack, nor an
    /// arm of a running experiment. Returns the versions deleted.
    @discardableResult
    package func gc(keep: Int) throws -> [String] {
        let removed: [RegisteredModel] = try db.transaction {
            let all = try list(includeArchived: true).sorted { $0.version > $1.version }
            var pinned = Set(try db.query("SELECT version FROM production").compactMap { $0.text("version") })
            if let running = try runningExperiment() { pinned.formUnion([running.control, running.treatment]) }
            let doomed = all.dropFirst(keep).filter { !pinned.contains($0.version.description) }
            for entry in doomed {
                try db.query("DELETE FROM models WHERE version = ?", [.text(entry.version.description)])
                try log("gc", entry.version.description, detail: entry.digest)
            }
            return Array(doomed)
        }
        // Files go after the commit: a crash in between leaves a file no row names, never a row without its file.
        for entry in removed { try? FileManager.default.removeItem(atPath: directory + "/" + entry.file) }
        return removed.map(\.version.description)
    }

    package func auditLog(version: String? = nil) throws -> [AuditEntry] {
        let rows = try version.map { try db.query("SELECT * FROM audit WHERE version = ? ORDER BY id", [.text($0)]) }
            ?? db.query("SELECT * FROM audit ORDER BY id")
        return rows.map { AuditEntry(at: $0.text("at") ?? "", by: $0.text("by") ?? "", action: $0.text("action") ?? "",
                                     version: $0.text("version"), detail: $0.text("detail")) }
    }

    /// What is wrong with the registry, empty when nothing is: SQLite's `PRAGMA integrity_check`, then every
    /// version's file (there, whole, and the one registered).
    package func check() throws -> [String] {
        var problems = try db.query("PRAGMA integrity_check").compactMap { $0.text("integrity_check") }.filter { $0 != "ok" }
        for entry in try list(includeArchived: true) {
            do {
                let file = try ModelFile.read(path: directory + "/" + entry.file)
                if file.digest != entry.digest { problems.append("\(entry.version): \(entry.file) is not the file registered") }
            } catch {
                problems.append("\(entry.version): \(error)")
            }
        }
        return problems
    }

    func log(_ action: String, _ version: String?, detail: String?) throws {
        try db.query("INSERT INTO audit (at, by, action, version, detail) VALUES (?, ?, ?, ?, ?)",
                     [.text(Self.now()), .text(actor), .text(action), version.map(SQLiteValue.text) ?? .null, detail.map(SQLiteValue.text) ?? .null])
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// Copies through a temporary file that is synced and then renamed, so `to` is the whole file or absent.
    static func copyDurably(from source: String, to destination: String) throws {
        let temporary = destination + ".tmp-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
            let fd = open(temporary, O_RDONLY)
            guard fd >= 0, fsync(fd) == 0 else {
                if fd >= 0 { close(fd) }
                throw RegistryError("cannot sync \(temporary): \(String(cString: strerror(errno)))")
            }
            close(fd)
            guard rename(temporary, destination) == 0 else { throw RegistryError("cannot place \(destination): \(String(cString: strerror(errno)))") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error as? RegistryError ?? RegistryError("cannot copy \(source) into the registry: \(error.localizedDescription)")
        }
    }
}

package struct AuditEntry: Sendable {
    package let at: String, by: String, action: String
    package let version: String?, detail: String?
}
