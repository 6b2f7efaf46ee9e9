import Dashboard

/// Serving instances' experiment tallies in the index: added in one transaction per flush, read back for
/// `registry experiment status`.
extension ModelRegistry {
    package func addLive(_ id: Int, _ tally: LiveTally) throws {
        guard !tally.isEmpty else { return }
        let experiment = SQLiteValue.integer(Int64(id))
        try db.transaction {
            for (arm, counts) in [("control", tally.control), ("treatment", tally.treatment)] where counts.names > 0 || !counts.latency.isEmpty {
                try db.query("""
                    INSERT INTO experiment_arms (experiment_id, arm, names) VALUES (?, ?, ?)
                    ON CONFLICT (experiment_id, arm) DO UPDATE SET names = names + excluded.names
                    """, [experiment, .text(arm), .integer(Int64(counts.names))])
                for (label, count) in counts.labels {
                    try db.query("""
                        INSERT INTO experiment_labels (experiment_id, arm, label, count) VALUES (?, ?, ?, ?)
                        ON CONFLICT (experiment_id, arm, label) DO UPDATE SET count = count + excluded.count
                        """, [experiment, .text(arm), .text(label), .integer(Int64(count))])
                }
                for (bucket, count) in counts.latency {
                    try db.query("""
                        INSERT INTO experiment_latency (experiment_id, arm, bucket, count) VALUES (?, ?, ?, ?)
                        ON CONFLICT (experiment_id, arm, bucket) DO UPDATE SET count = count + excluded.count
                        """, [experiment, .text(arm), .integer(Int64(bucket)), .integer(Int64(count))])
                }
            }
            if tally.shadowScored + tally.shadowDropped > 0 {
                try db.query("""
                    INSERT INTO experiment_shadow (experiment_id, scored, disagreed, dropped) VALUES (?, ?, ?, ?)
                    ON CONFLICT (experiment_id) DO UPDATE SET scored = scored + excluded.scored,
                        disagreed = disagreed + excluded.disagreed, dropped = dropped + excluded.dropped
                    """, [experiment, .integer(Int64(tally.shadowScored)), .integer(Int64(tally.shadowDisagreed)), .integer(Int64(tally.shadowDropped))])
            }
            for (flow, count) in tally.flows {
                try db.query("""
                    INSERT INTO experiment_flows (experiment_id, control_label, treatment_label, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (experiment_id, control_label, treatment_label) DO UPDATE SET count = count + excluded.count
                    """, [experiment, .text(flow.control), .text(flow.treatment), .integer(Int64(count))])
            }
            let feedback = tally.feedback
            if feedback.control.examples + feedback.treatment.examples > 0 {
                try insertTallies(id, control: feedback.control, treatment: feedback.treatment, pairs: feedback.pairs)
            }
        }
    }

    /// The served figures of an experiment; nil when no instance has flushed any.
    func liveFigures(_ id: Int) throws -> ExperimentStatus.Live? {
        let experiment = SQLiteValue.integer(Int64(id))
        var arms: [String: ExperimentStatus.Live.Arm] = [:]
        for row in try db.query("SELECT arm, names FROM experiment_arms WHERE experiment_id = ?", [experiment]) {
            arms[row.text("arm") ?? "", default: .init()].names = row.int("names") ?? 0
        }
        for row in try db.query("SELECT arm, label, count FROM experiment_labels WHERE experiment_id = ? ORDER BY count DESC, label", [experiment]) {
            arms[row.text("arm") ?? "", default: .init()].labels.append(.init(label: row.text("label") ?? "", count: row.int("count") ?? 0))
        }
        var latency: [String: [Int: Int]] = [:]
        for row in try db.query("SELECT arm, bucket, count FROM experiment_latency WHERE experiment_id = ?", [experiment]) {
            latency[row.text("arm") ?? "", default: [:]][row.int("bucket") ?? 0] = row.int("count") ?? 0
        }
        for (arm, counts) in latency {
            arms[arm, default: .init()].latencySeconds = .init(p50: LatencyBuckets.quantile(counts, 0.5), p90: LatencyBuckets.quantile(counts, 0.9),
                                                              p99: LatencyBuckets.quantile(counts, 0.99), samples: counts.values.reduce(0, +))
        }
        let shadow = try db.query("SELECT * FROM experiment_shadow WHERE experiment_id = ?", [experiment]).first.map {
            ExperimentStatus.Live.Shadow(scored: $0.int("scored") ?? 0, disagreed: $0.int("disagreed") ?? 0, dropped: $0.int("dropped") ?? 0,
                                         flows: [])
        }
        guard !arms.isEmpty || shadow != nil else { return nil }
        var live = ExperimentStatus.Live(control: arms["control"] ?? .init(), treatment: arms["treatment"] ?? .init(), shadow: shadow)
        if live.shadow != nil {
            live.shadow!.flows = try db.query("""
                SELECT control_label, treatment_label, count FROM experiment_flows WHERE experiment_id = ?
                ORDER BY count DESC, control_label, treatment_label LIMIT 10
                """, [experiment]).map { .init(control: $0.text("control_label") ?? "", treatment: $0.text("treatment_label") ?? "", count: $0.int("count") ?? 0) }
        }
        return live
    }
}
