/// How `domcat tune` chose a model's parameters, kept in its header beside them: what was searched,
/// for how long, and what the chosen parameters scored on the validation names during the search.
package struct TuningSummary: Codable, Sendable, Equatable {
    /// `macro-f1` or `accuracy`: what the search maximised on the validation names.
    package var metric: String
    package var seed: UInt64
    package var budgetSeconds: Double
    /// Wall time of the search (the final training not included).
    package var searchSeconds: Double
    /// Trials finished (cut ones not counted) and all trials started.
    package var trialsFinished: Int
    package var trialsStarted: Int
    /// The winning trial's number in the trial log, and its score on the validation names.
    package var bestTrial: Int
    package var bestScore: Double

    package init(metric: String, seed: UInt64, budgetSeconds: Double, searchSeconds: Double, trialsFinished: Int,
                 trialsStarted: Int, bestTrial: Int, bestScore: Double) {
        self.metric = metric
        self.seed = seed
        self.budgetSeconds = budgetSeconds
        self.searchSeconds = searchSeconds
        self.trialsFinished = trialsFinished
        self.trialsStarted = trialsStarted
        self.bestTrial = bestTrial
        self.bestScore = bestScore
    }
}
