import Foundation

/// What `domcat tune --registry` keeps in the index: the search, each trial as it ends, and at the end the
/// best trial and the version its model was registered as.
extension ModelRegistry {
    package struct TuningTrialRow: Sendable {
        package var trial: Int
        package var bracket: Int
        package var rung: Int
        package var fraction: Double
        package var examples: Int
        /// The trial's parameters as a JSON object.
        package var parameters: String
        /// `done`, `cut` or `failed`.
        package var status: String
        package var validAccuracy: Double?
        package var validMacroF1: Double?
        package var score: Double?
        package var seconds: Double
        package var error: String?

        package init(trial: Int, bracket: Int, rung: Int, fraction: Double, examples: Int, parameters: String, status: String,
                     validAccuracy: Double?, validMacroF1: Double?, score: Double?, seconds: Double, error: String?) {
            (self.trial, self.bracket, self.rung, self.fraction, self.examples) = (trial, bracket, rung, fraction, examples)
            (self.parameters, self.status, self.validAccuracy, self.validMacroF1) = (parameters, status, validAccuracy, validMacroF1)
            (self.score, self.seconds, self.error) = (score, seconds, error)
        }
    }

    package func startTuningSearch(kind: String, metric: String, seed: UInt64, budgetSeconds: Double, trainPath: String,
                                   validPath: String) throws -> Int {
        try db.transaction {
            try db.query("""
                INSERT INTO tuning_searches (started_at, kind, metric, seed, budget_seconds, train_path, valid_path)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(Self.now()), .text(kind), .text(metric), .integer(Int64(bitPattern: seed)), .real(budgetSeconds),
                      .text(trainPath), .text(validPath)])
            return try db.query("SELECT last_insert_rowid() AS id").first?.int("id") ?? 0
        }
    }

    package func recordTuningTrial(search: Int, _ row: TuningTrialRow) throws {
        try db.query("""
            INSERT OR REPLACE INTO tuning_trials (search_id, trial, bracket, rung, fraction, examples, parameters, status,
                                                  valid_accuracy, valid_macro_f1, score, seconds, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(Int64(search)), .integer(Int64(row.trial)), .integer(Int64(row.bracket)), .integer(Int64(row.rung)),
                  .real(row.fraction), .integer(Int64(row.examples)), .text(row.parameters), .text(row.status),
                  row.validAccuracy.map(SQLiteValue.real) ?? .null, row.validMacroF1.map(SQLiteValue.real) ?? .null,
                  row.score.map(SQLiteValue.real) ?? .null, .real(row.seconds), row.error.map(SQLiteValue.text) ?? .null])
    }

    package func finishTuningSearch(_ search: Int, bestTrial: Int?, bestVersion: String?) throws {
        try db.query("UPDATE tuning_searches SET finished_at = ?, best_trial = ?, best_version = ? WHERE id = ?",
                     [.text(Self.now()), bestTrial.map { .integer(Int64($0)) } ?? .null, bestVersion.map(SQLiteValue.text) ?? .null,
                      .integer(Int64(search))])
    }

    /// A search's trials in order, for `registry tuning`.
    package func tuningTrials(search: Int) throws -> [TuningTrialRow] {
        try db.query("SELECT * FROM tuning_trials WHERE search_id = ? ORDER BY trial", [.integer(Int64(search))]).map { r in
            TuningTrialRow(trial: r.int("trial") ?? 0, bracket: r.int("bracket") ?? 0, rung: r.int("rung") ?? 0,
                           fraction: r.real("fraction") ?? 0, examples: r.int("examples") ?? 0, parameters: r.text("parameters") ?? "{}",
                           status: r.text("status") ?? "", validAccuracy: r.real("valid_accuracy"), validMacroF1: r.real("valid_macro_f1"),
                           score: r.real("score"), seconds: r.real("seconds") ?? 0, error: r.text("error"))
        }
    }

    /// The latest search's id, or nil.
    package func latestTuningSearch() throws -> Int? {
        try db.query("SELECT max(id) AS id FROM tuning_searches").first?.int("id")
    }
}
