import Foundation

/// Experiments in the index: at most one running; its tallies grow with every scored batch of labelled names.
extension ModelRegistry {
    @discardableResult
    package func startExperiment(control: String, treatment: String, mode: Experiment.Mode, share: Double, unit: Experiment.Unit,
                                 minimumEffect: Double) throws -> Experiment {
        try db.transaction {
            if let running = try runningExperiment() { throw RegistryError("experiment \(running.id) is running: stop it first") }
            for version in [control, treatment] where try model(version).status != .registered {
                throw RegistryError("\(version) is archived")
            }
            guard control != treatment else { throw RegistryError("the control and the treatment are one version") }
            try db.query("""
                INSERT INTO experiments (control, treatment, mode, share, unit, min_effect, status, started_at)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?)
                """, [.text(control), .text(treatment), .text(mode.rawValue), .real(mode == .shadow ? 1 : share), .text(unit.rawValue),
                      .real(minimumEffect), .text(Self.now())])
            let experiment = try runningExperiment()!
            try log("experiment start", treatment, detail: "\(experiment.id): \(mode.rawValue) against \(control)")
            return experiment
        }
    }

    package func runningExperiment() throws -> Experiment? {
        try db.query("SELECT * FROM experiments WHERE status = 'running' ORDER BY id DESC LIMIT 1").first.map(Self.experiment)
    }

    package func experiment(_ id: Int) throws -> Experiment {
        guard let row = try db.query("SELECT * FROM experiments WHERE id = ?", [.integer(Int64(id))]).first else {
            throw RegistryError("no experiment \(id)")
        }
        return Self.experiment(row)
    }

    /// The latest experiment, running or not.
    package func latestExperiment() throws -> Experiment? {
        try db.query("SELECT * FROM experiments ORDER BY id DESC LIMIT 1").first.map(Self.experiment)
    }

    static func experiment(_ row: SQLiteRow) -> Experiment {
        Experiment(id: row.int("id") ?? 0, control: row.text("control") ?? "", treatment: row.text("treatment") ?? "",
                   mode: row.text("mode").flatMap(Experiment.Mode.init) ?? .split, share: row.real("share") ?? 0,
                   unit: row.text("unit").flatMap(Experiment.Unit.init) ?? .registrable, minimumEffect: row.real("min_effect") ?? 0.01,
                   running: row.text("status") == "running", startedAt: row.text("started_at") ?? "", stoppedAt: row.text("stopped_at"),
                   decision: row.text("decision"))
    }

    /// Adds scored names to an experiment's tallies, in one transaction.
    package func addToExperiment(_ id: Int, control: (examples: Int, correct: Int), treatment: (examples: Int, correct: Int),
                                 pairs: ExperimentStatus.Pairs?) throws {
        try db.transaction { try insertTallies(id, control: control, treatment: treatment, pairs: pairs) }
    }

    /// `addToExperiment`'s rows, inside the caller's transaction.
    func insertTallies(_ id: Int, control: (examples: Int, correct: Int), treatment: (examples: Int, correct: Int),
                       pairs: ExperimentStatus.Pairs?) throws {
        for (arm, tally) in [("control", control), ("treatment", treatment)] {
            try db.query("""
                INSERT INTO experiment_tallies (experiment_id, arm, examples, correct) VALUES (?, ?, ?, ?)
                ON CONFLICT (experiment_id, arm) DO UPDATE SET examples = examples + excluded.examples, correct = correct + excluded.correct
                """, [.integer(Int64(id)), .text(arm), .integer(Int64(tally.examples)), .integer(Int64(tally.correct))])
        }
        if let pairs {
            try db.query("""
                INSERT INTO experiment_pairs (experiment_id, both_right, only_control, only_treatment, both_wrong) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (experiment_id) DO UPDATE SET both_right = both_right + excluded.both_right,
                    only_control = only_control + excluded.only_control, only_treatment = only_treatment + excluded.only_treatment,
                    both_wrong = both_wrong + excluded.both_wrong
                """, [.integer(Int64(id)), .integer(Int64(pairs.bothRight)), .integer(Int64(pairs.onlyControl)),
                      .integer(Int64(pairs.onlyTreatment)), .integer(Int64(pairs.bothWrong))])
        }
    }

    package func experimentStatus(_ experiment: Experiment) throws -> ExperimentStatus {
        var tallies: [String: ExperimentStatus.ArmTally] = [:]
        for row in try db.query("SELECT * FROM experiment_tallies WHERE experiment_id = ?", [.integer(Int64(experiment.id))]) {
            let arm = row.text("arm") ?? ""
            tallies[arm] = .init(version: arm == "control" ? experiment.control : experiment.treatment,
                                 examples: row.int("examples") ?? 0, correct: row.int("correct") ?? 0)
        }
        let pairs = try db.query("SELECT * FROM experiment_pairs WHERE experiment_id = ?", [.integer(Int64(experiment.id))]).first.map {
            ExperimentStatus.Pairs(bothRight: $0.int("both_right") ?? 0, onlyControl: $0.int("only_control") ?? 0,
                                   onlyTreatment: $0.int("only_treatment") ?? 0, bothWrong: $0.int("both_wrong") ?? 0)
        }
        var status = ExperimentStatus(experiment: experiment,
                                      control: tallies["control"] ?? .init(version: experiment.control, examples: 0, correct: 0),
                                      treatment: tallies["treatment"] ?? .init(version: experiment.treatment, examples: 0, correct: 0),
                                      pairs: pairs)
        status.live = try liveFigures(experiment.id)
        return status
    }

    /// Stops the running experiment; with `promoteWinner`, a treatment the status recommends goes to production.
    @discardableResult
    package func stopExperiment(promoteWinner: Bool) throws -> ExperimentStatus {
        guard let running = try runningExperiment() else { throw RegistryError("no experiment is running") }
        var status = try experimentStatus(running)
        let promote = promoteWinner && status.recommendation == .promote
        let now = Self.now()
        status.experiment.running = false
        status.experiment.stoppedAt = now
        try db.transaction {
            try db.query("UPDATE experiments SET status = 'stopped', stopped_at = ?, decision = ? WHERE id = ?",
                         [.text(now), .text(status.recommendation.rawValue + (promote ? ", promoted" : "")), .integer(Int64(running.id))])
            try log("experiment stop", running.treatment, detail: "\(running.id): \(status.recommendation.rawValue)")
        }
        if promote, try production()?.version.description != running.treatment { try self.promote(running.treatment) }
        return status
    }
}
