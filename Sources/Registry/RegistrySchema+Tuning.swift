extension RegistrySchema {
    /// Migration 5: `domcat tune --registry` — a row per search, a row per trial (its parameters as JSON),
    /// and the version the search's best model was registered as.
    static let tuningMigration = """
        CREATE TABLE tuning_searches (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            kind TEXT NOT NULL,
            metric TEXT NOT NULL,
            seed INTEGER NOT NULL,
            budget_seconds REAL NOT NULL,
            train_path TEXT NOT NULL,
            valid_path TEXT NOT NULL,
            best_trial INTEGER,
            best_version TEXT REFERENCES models(version)
        );
        CREATE TABLE tuning_trials (
            search_id INTEGER NOT NULL REFERENCES tuning_searches(id),
            trial INTEGER NOT NULL,
            bracket INTEGER NOT NULL,
            rung INTEGER NOT NULL,
            fraction REAL NOT NULL,
            examples INTEGER NOT NULL,
            parameters TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'cut', 'failed')),
            valid_accuracy REAL,
            valid_macro_f1 REAL,
            score REAL,
            seconds REAL NOT NULL,
            error TEXT,
            PRIMARY KEY (search_id, trial)
        );
        """
}
