import ModelStore

/// One trial: which parameters, on how much of the training set, and what they scored on the validation
/// names. A line of the trial log, a row of the registry's index and of the final table.
package struct TrialRecord: Codable, Sendable, Equatable {
    package enum Status: String, Codable, Sendable {
        /// Trained and scored.
        case done
        /// Still training at its deadline (the search's budget, or its own share of it): stopped, not scored.
        case cut
        /// Training threw (the error is kept).
        case failed
    }

    package var trial: Int
    /// Successive-halving bracket and rung (0: the first, smallest share of the training names).
    package var bracket: Int
    package var rung: Int
    /// Share of the training names it learnt from, and how many that was.
    package var fraction: Double
    package var examples: Int
    package var parameters: [String: JSONValue]
    package var status: Status
    package var validAccuracy: Double?
    package var validMacroF1: Double?
    /// The search's metric on the validation names.
    package var score: Double?
    package var seconds: Double
    package var error: String?
    /// Taken from the log of an earlier run (`--resume`) rather than trained again.
    package var resumed: Bool?

    /// Finished and scored on all of the training names: a candidate for the best.
    package var isComplete: Bool { status == .done && fraction >= 1 }
}

/// What the log's first line says about the search, so `--resume` continues the same search only.
package struct SearchIdentity: Codable, Sendable, Equatable {
    package var kind: String
    package var metric: String
    package var seed: UInt64
    /// `CorpusDigest`s of the training and validation files.
    package var train: String
    package var valid: String

    package init(kind: String, metric: String, seed: UInt64, train: String, valid: String) {
        (self.kind, self.metric, self.seed, self.train, self.valid) = (kind, metric, seed, train, valid)
    }
}
