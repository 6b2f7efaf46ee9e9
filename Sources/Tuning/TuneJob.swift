import Corpora
import Dispatch
import DomainKit
import Foundation
import Learners
import Lines
import ModelStore
import Registry
import Training

/// What `domcat tune` does, independent of argument parsing: read both corpora, search within the budget
/// (`TuningSearch`), log every trial (JSONL, and the registry's index when there is one), then train the
/// best choice on all the training names, calibrated on the validation names, into one model file whose
/// header holds the chosen parameters and how they were chosen — and register it as a patch version.
package struct TuneJob {
    package var trainPath: String
    package var validPath: String
    package var outputPath: String
    package var trialsPath: String
    package var resume = false
    package var kind = ModelKind.linear
    package var metric = TuningMetric.macroF1
    package var seed: UInt64 = 1
    package var budget: Double
    package var workers = 2
    package var registry: ModelRegistry?
    /// Options every trial and the final training share (suffix list, tokenizer, name).
    package var template: TrainJob
    /// When the budget started; the command's start, so reading the corpora counts against it.
    package var started = DispatchTime.now()
    package var onStatus: ((TuningStatus) -> Void)?
    package var log: (String) -> Void = { _ in }

    package init(trainPath: String, validPath: String, outputPath: String, trialsPath: String, budget: Double, template: TrainJob) {
        self.trainPath = trainPath
        self.validPath = validPath
        self.outputPath = outputPath
        self.trialsPath = trialsPath
        self.budget = budget
        self.template = template
    }

    package struct Outcome {
        package var trials: [TrialRecord]
        package var best: TrialRecord
        /// `summary` of each trial's parameters, by trial number.
        package var summaries: [Int: String]
        package var searchSeconds: Double
        /// The final training of the best choice on every training name, apart from the search.
        package var final: TrainJob.Outcome
        package var version: String?
    }

    package func run() throws -> Outcome {
        switch kind {
        case .linear: return try run(LinearSearchSpace())
        case .gbdt:
            var counting = template
            counting.corpusPaths = [trainPath]
            return try run(GBDTSearchSpace(examples: try counting.readCorpus(known: []).count))
        case .fasttext: throw TrainUsageError("tune searches linear or gbdt parameters; fasttext models are trained by libfasttext (fasttext supervised -autotune-validation)")
        }
    }

    func run<Space: SearchSpace>(_ space: Space) throws -> Outcome {
        try OutputPath.check(outputPath, inputs: [trainPath, validPath, trialsPath])
        var reading = template
        reading.corpusPaths = [trainPath]
        reading.log = log
        let train = try reading.readCorpus(known: [])
        let valid = try LabelledCorpus.read(paths: [validPath])
        valid.problemReport.forEach(log)
        try valid.requireExamples([validPath])

        let identity = SearchIdentity(kind: space.kind.rawValue, metric: metric.rawValue, seed: seed,
                                      train: train.digest(), valid: valid.digest())
        var earlier: [Int: TrialRecord] = [:]
        if resume {
            let read = try TrialLog.read(path: trialsPath, expecting: identity)
            earlier = read.trials
            if read.unreadable > 0 { log("\(trialsPath): \(read.unreadable) unreadable line(s) passed over (a run cut short while writing)") }
            log("resuming: \(earlier.count) trial(s) in \(trialsPath)")
        }
        let trialLog = try TrialLog(path: trialsPath, identity: identity, resume: resume, inputs: [trainPath, validPath, outputPath])
        let searchID = try registry?.startTuningSearch(kind: space.kind.rawValue, metric: metric.rawValue, seed: seed, budgetSeconds: budget,
                                                       trainPath: trainPath, validPath: validPath)

        var search = TuningSearch(space: space, template: template, train: train, valid: valid, budget: budget)
        search.metric = metric
        search.seed = seed
        search.started = started
        search.workers = workers
        search.earlier = earlier
        var writeError: Error?
        search.onTrial = { record in
            do {
                if record.resumed != true { try trialLog.append(record) }
                if let registry, let searchID { try registry.recordTuningTrial(search: searchID, record.registryRow) }
            } catch {
                if writeError == nil { writeError = error }
            }
        }
        let report = onStatus
        search.onStatus = { status in report?(TuningStatus(status)) }
        let found = search.run()
        if let writeError { throw writeError }
        guard let best = found.best, let choice = found.bestChoice else {
            throw TrainUsageError(String(format: "no trial finished within the %.0f s budget (%d started): give a larger --budget", budget, found.trials.count))
        }
        var summaries: [Int: String] = [:]
        for trial in found.trials {
            if let c = try? JSONValue.decode(Space.Choice.self, from: trial.parameters) { summaries[trial.trial] = space.summary(c) }
        }

        var final = template
        space.apply(choice, to: &final)
        final.corpusPaths = [trainPath]
        final.validPath = validPath
        final.outputPath = outputPath
        final.linear.threads = workers
        final.linear.seed = seed
        final.log = log
        final.tuning = TuningSummary(metric: metric.rawValue, seed: seed, budgetSeconds: budget, searchSeconds: found.seconds,
                                     trialsFinished: found.trials.filter { $0.status == .done }.count, trialsStarted: found.trials.count,
                                     bestTrial: best.trial, bestScore: best.score ?? 0)
        let trained = try final.run()
        var version: String?
        if let registry {
            let entry = try registry.add(path: outputPath, bump: .patch,
                                         notes: String(format: "domcat tune: trial %d of %d, valid %@ %.4f", best.trial, found.trials.count,
                                                       metric.title, best.score ?? 0),
                                         suffixes: template.suffixes)
            version = entry.version.description
            if let searchID { try registry.finishTuningSearch(searchID, bestTrial: best.trial, bestVersion: version) }
        }
        return Outcome(trials: found.trials, best: best, summaries: summaries, searchSeconds: found.seconds, final: trained, version: version)
    }
}

/// The progress line's figures, free of the search space's type.
package struct TuningStatus: Sendable {
    package var started: Int
    package var running: Int
    package var estimatedTotal: Int?
    package var best: TrialRecord?
    package var secondsLeft: Double

    init<S>(_ s: TuningSearch<S>.Status) {
        (started, running, estimatedTotal, best, secondsLeft) = (s.started, s.running, s.estimatedTotal, s.best, s.secondsLeft)
    }
}

extension TrialRecord {
    var registryRow: ModelRegistry.TuningTrialRow {
        let parameters = (try? JSONEncoder().encode(self.parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ModelRegistry.TuningTrialRow(trial: trial, bracket: bracket, rung: rung, fraction: fraction, examples: examples,
                                            parameters: parameters, status: status.rawValue, validAccuracy: validAccuracy,
                                            validMacroF1: validMacroF1, score: score, seconds: seconds, error: error)
    }
}
