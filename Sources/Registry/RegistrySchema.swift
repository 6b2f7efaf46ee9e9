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
        // 3: experiments — a control and a treatment version, split or shadow, and what they scored.
        """
        CREATE TABLE experiments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            control TEXT NOT NULL REFERENCES models(version),
            treatment TEXT NOT NULL REFERENCES models(version),
            mode TEXT NOT NULL CHECK (mode IN ('split', 'shadow')),
            share REAL NOT NULL,
            unit TEXT NOT NULL,
            min_effect REAL NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'stopped')),
            started_at TEXT NOT NULL,
            stopped_at TEXT,
            decision TEXT
        );
        CREATE TABLE experiment_tallies (
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            arm TEXT NOT NULL CHECK (arm IN ('control', 'treatment')),
            examples INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment_id, arm)
        );
        CREATE TABLE experiment_pairs (
            experiment_id INTEGER PRIMARY KEY REFERENCES experiments(id),
            both_right INTEGER NOT NULL DEFAULT 0,
            only_control INTEGER NOT NULL DEFAULT 0,
            only_treatment INTEGER NOT NULL DEFAULT 0,
            both_wrong INTEGER NOT NULL DEFAULT 0
        );
        """,
        // 4: what serving instances saw of an experiment (flushed every few seconds): names, labels and
        // latency buckets per arm, and the shadow arm's disagreements.
        """
        CREATE TABLE experiment_arms (
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            arm TEXT NOT NULL CHECK (arm IN ('control', 'treatment')),
            names INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (experiment_id, arm)
        );
        CREATE TABLE experiment_labels (
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            arm TEXT NOT NULL,
            label TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (experiment_id, arm, label)
        );
        CREATE TABLE experiment_latency (
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            arm TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (experiment_id, arm, bucket)
        );
        CREATE TABLE experiment_shadow (
            experiment_id INTEGER PRIMARY KEY REFERENCES experiments(id),
            scored INTEGER NOT NULL DEFAULT 0,
            disagreed INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE experiment_flows (
            experiment_id INTEGER NOT NULL REFERENCES experiments(id),
            control_label TEXT NOT NULL,
            treatment_label TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (experiment_id, control_label, treatment_label)
        );
        """,
        // 5: `domcat tune` — every search and every trial it ran (RegistrySchema+Tuning.swift).
        tuningMigration,
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
