/// The index's tables, as numbered migrations: `PRAGMA user_version` says how many have run. A registry
/// made by an older domcat is brought up to date when opened; one made by a newer domcat is refused.
enum RegistrySchema {
    static let migrations: [String] = [
        // 1: versions, the production stack (promote pushes, rollback pops) and the audit log.
        """
        CREATE TABLE models (
            version TEXT PRIMARY KEY,
            major INTEGER NOT NULL, minor INTEGER NOT NULL, patch INTEGER NOT NULL,
            digest TEXT NOT NULL UNIQUE,
            file TEXT NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            parent_digest TEXT,
            corpus_digest TEXT NOT NULL,
            header TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            test_report TEXT,
            notes TEXT,
            status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'archived')),
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL
        );
        CREATE TABLE production (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            version TEXT NOT NULL REFERENCES models(version)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            by TEXT NOT NULL,
            action TEXT NOT NULL,
            version TEXT,
            detail TEXT
        );
        """,
        // 2: retraining — the corpus files a version was trained on, and every `retrain` run.
        """
        CREATE TABLE corpus_files (
            digest TEXT NOT NULL,
            version TEXT NOT NULL,
            path TEXT NOT NULL,
            examples INTEGER NOT NULL,
            PRIMARY KEY (digest, version)
        );
        CREATE TABLE retrain_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            pid INTEGER NOT NULL,
            production TEXT,
            new_files TEXT,
            new_examples INTEGER,
            base_examples INTEGER,
            candidate TEXT,
            comparison TEXT,
            decision TEXT NOT NULL CHECK (decision IN ('running', 'waiting', 'promoted', 'archived', 'failed', 'interrupted')),
            reason TEXT,
            seconds REAL
        );
        """,
    ]

    static func migrate(_ db: SQLiteDatabase, path: String) throws {
        // Read first: opening an up-to-date index takes no write lock.
        if try db.query("PRAGMA user_version").first?.int("user_version") == migrations.count { return }
        try db.transaction {
            let current = try db.query("PRAGMA user_version").first?.int("user_version") ?? 0
            guard current <= migrations.count else {
                throw RegistryError("\(path) has schema version \(current); this domcat knows up to \(migrations.count): upgrade domcat")
            }
            for version in current..<migrations.count {
                try db.execute(migrations[version])
                try db.execute("PRAGMA user_version = \(version + 1)")
            }
        }
    }
}

package struct RegistryError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
