import Foundation

/// What `retrain` keeps in the index: which corpus files each version was trained on, and every run.
extension ModelRegistry {
    package struct CorpusFile: Sendable, Hashable {
        package var path: String
        package var digest: String
        package var examples: Int
        package init(path: String, digest: String, examples: Int) { (self.path, self.digest, self.examples) = (path, digest, examples) }
    }

    package struct RetrainRun: Codable, Sendable {
        package var id: Int
        package var startedAt: String
        package var finishedAt: String?
        package var production: String?
        package var newFiles: [String]
        package var newExamples: Int
        package var baseExamples: Int
        package var candidate: String?
        package var decision: String
        package var reason: String?
        package var seconds: Double?
        /// Production (A) against the candidate (B) on the held-out names, when a candidate was trained.
        package var comparison: ModelComparison?
    }

    /// The version and its registered ancestors, nearest first.
    package func lineage(of entry: RegisteredModel) throws -> [RegisteredModel] {
        let byDigest = Dictionary(try list(includeArchived: true).map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        var chain = [entry], parent = entry.parentDigest
        while let digest = parent, let ancestor = byDigest[digest], chain.count < 10_000 {
            chain.append(ancestor)
            parent = ancestor.parentDigest
        }
        return chain
    }

    /// Digests of the corpus files the versions were trained on.
    package func corpusDigests(of versions: [String]) throws -> Set<String> {
        var digests = Set<String>()
        for version in versions {
            for row in try db.query("SELECT digest FROM corpus_files WHERE version = ?", [.text(version)]) {
                if let digest = row.text("digest") { digests.insert(digest) }
            }
        }
        return digests
    }

    package func recordCorpusFiles(_ files: [CorpusFile], version: String) throws {
        try db.transaction {
            for file in files {
                try db.query("INSERT OR REPLACE INTO corpus_files (digest, version, path, examples) VALUES (?, ?, ?, ?)",
                             [.text(file.digest), .text(version), .text(file.path), .integer(Int64(file.examples))])
            }
        }
    }

    /// A run starts as `running`; one whose process is gone (killed) is `interrupted` when the next starts.
    package func startRetrainRun() throws -> Int {
        try db.transaction {
            for row in try db.query("SELECT id, pid FROM retrain_runs WHERE decision = 'running'") {
                guard let id = row.int("id"), let pid = row.int("pid") else { continue }
                if kill(pid_t(pid), 0) != 0 {
                    try db.query("UPDATE retrain_runs SET decision = 'interrupted', finished_at = ? WHERE id = ?", [.text(Self.now()), .integer(Int64(id))])
                }
            }
            try db.query("INSERT INTO retrain_runs (started_at, pid, decision) VALUES (?, ?, 'running')", [.text(Self.now()), .integer(Int64(getpid()))])
            return try db.query("SELECT last_insert_rowid() AS id").first?.int("id") ?? 0
        }
    }

    package func finishRetrainRun(_ run: RetrainRun) throws {
        let comparison = try run.comparison.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try db.query("""
            UPDATE retrain_runs SET finished_at = ?, production = ?, new_files = ?, new_examples = ?, base_examples = ?,
                                    candidate = ?, comparison = ?, decision = ?, reason = ?, seconds = ? WHERE id = ?
            """, [.text(Self.now()), run.production.map(SQLiteValue.text) ?? .null, .text(run.newFiles.joined(separator: "\n")),
                  .integer(Int64(run.newExamples)), .integer(Int64(run.baseExamples)), run.candidate.map(SQLiteValue.text) ?? .null,
                  comparison.map(SQLiteValue.text) ?? .null, .text(run.decision), run.reason.map(SQLiteValue.text) ?? .null,
                  run.seconds.map(SQLiteValue.real) ?? .null, .integer(Int64(run.id))])
    }

    package func retrainRuns(limit: Int = 1000) throws -> [RetrainRun] {
        try db.query("SELECT * FROM retrain_runs ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]).map { row in
            RetrainRun(id: row.int("id") ?? 0, startedAt: row.text("started_at") ?? "", finishedAt: row.text("finished_at"),
                       production: row.text("production"), newFiles: row.text("new_files")?.split(separator: "\n").map(String.init) ?? [],
                       newExamples: row.int("new_examples") ?? 0, baseExamples: row.int("base_examples") ?? 0,
                       candidate: row.text("candidate"), decision: row.text("decision") ?? "", reason: row.text("reason"),
                       seconds: row.real("seconds"),
                       comparison: row.text("comparison").flatMap { try? JSONDecoder().decode(ModelComparison.self, from: Data($0.utf8)) })
        }
    }
}
