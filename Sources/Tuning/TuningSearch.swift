import Corpora
import Dispatch
import DomainKit
import Foundation
import Learners
import ModelStore
import Training

/// A search within a time budget: trial 0 trains the defaults on all the training names (the bar), then
/// brackets of successive halving (`Bracket`) try choices drawn at random and near the best so far, each
/// trained in-process on one core, `workers` at once, and scored on the validation names. No trial runs
/// past the budget's end or past its own share of the budget (both cut it).
///
/// Deterministic for a seed: every trial trains on one thread from the seed, a rung starts only when the
/// one before it has ended, and what a rung tries depends on the seed and earlier rungs' scores alone, so
/// the same seed gives the same trials with the same scores in the same order; the budget only decides
/// how far the sequence gets (and a trial cut by its own share ends it differently). `--resume` replays
/// the sequence and takes each trial the log already holds instead of training it again.
package struct TuningSearch<Space: SearchSpace> {
    package var space: Space
    /// What every trial shares (suffix list, tokenizer options); the space sets the rest.
    package var template: TrainJob
    package var train: LabelledCorpus
    package var valid: LabelledCorpus
    package var metric = TuningMetric.macroF1
    package var seed: UInt64 = 1
    package var budget: Double
    /// When the budget started (reading the corpora counts against it).
    package var started = DispatchTime.now()
    package var workers = 2
    /// Trials of an earlier run of the same search (`TrialLog.read`).
    package var earlier: [Int: TrialRecord] = [:]
    /// Called, one call at a time, when a trial starts or ends.
    package var onStatus: ((Status) -> Void)?
    /// Called, one call at a time, with every trial that ends (trained, cut, failed or taken from the log).
    package var onTrial: ((TrialRecord) -> Void)?

    /// A trial may take at most this share of the budget: one slow choice cannot eat the search.
    package static var trialShare: Double { 0.5 }

    package init(space: Space, template: TrainJob, train: LabelledCorpus, valid: LabelledCorpus, budget: Double) {
        self.space = space
        self.template = template
        self.train = train
        self.valid = valid
        self.budget = budget
    }

    package struct Status: Sendable {
        package var started: Int
        package var running: Int
        /// Trials the rest of the budget is likely to allow in all, from the mean time of those trained.
        package var estimatedTotal: Int?
        package var best: TrialRecord?
        package var secondsLeft: Double
    }

    package struct Outcome {
        package var trials: [TrialRecord]
        package var best: TrialRecord?
        package var bestChoice: Space.Choice?
        package var seconds: Double
    }

    struct Item {
        var choice: Space.Choice
        var fraction: Double
        var bracket: Int
        var rung: Int
    }

    package func run() -> Outcome {
        let end = Deadline(uptimeNanoseconds: started.uptimeNanoseconds &+ UInt64(budget * 1e9))
        let state = SearchState(end: end, workers: workers)
        let subsets = Subsets(train, seed: seed)
        var bracket = 0
        search: while !end.hasPassed {
            let plan = Bracket.plan(bracket, workers: workers)
            var rng = SplitMix(seed: seed &+ UInt64(bracket + 1) &* 0x9E37_79B9_7F4A_7C15)
            let near = state.bestChoice(Space.Choice.self) ?? space.defaults
            // A choice tried before is drawn again (a few times), so a bracket spends its trials on new ones.
            var tried = state.tried(Space.Choice.self)
            var choices: [Space.Choice] = []
            for i in 0..<plan.first {
                var choice = i % 2 == 0 ? space.sample(&rng) : space.neighbour(of: near, &rng)
                for _ in 0..<10 where tried.contains(choice) { choice = i % 2 == 0 ? space.sample(&rng) : space.neighbour(of: near, &rng) }
                tried.append(choice)
                choices.append(choice)
            }
            for (rung, fraction) in plan.fractions.enumerated() {
                var items = choices.map { Item(choice: $0, fraction: fraction, bracket: bracket, rung: rung) }
                // Trial 0: the defaults on every name, beside the first rung so no core waits for it.
                if bracket == 0 && rung == 0 { items.insert(Item(choice: space.defaults, fraction: 1, bracket: 0, rung: 0), at: 0) }
                let results = run(items, state: state, subsets: subsets)
                if end.hasPassed { break search }
                let ranked = zip(items, results).filter { $0.0.fraction == fraction && $0.1?.score != nil }
                    .sorted { ($0.1!.score!, -$0.1!.trial) > ($1.1!.score!, -$1.1!.trial) }
                choices = ranked.prefix(Bracket.survivors(of: ranked.count, workers: workers)).map(\.0.choice)
                if choices.isEmpty { break }
            }
            bracket += 1
        }
        let trials = state.trials.sorted { $0.trial < $1.trial }
        let best = Self.best(of: trials)
        return Outcome(trials: trials, best: best, bestChoice: best.flatMap { state.choices[$0.trial] as? Space.Choice },
                       seconds: Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
    }

    /// The highest score on all the training names (the earlier trial on a tie); without any such trial,
    /// the highest on the largest share reached.
    package static func best(of trials: [TrialRecord]) -> TrialRecord? {
        let scored = trials.filter { $0.status == .done && $0.score != nil }
        guard let widest = scored.map(\.fraction).max() else { return nil }
        return scored.filter { $0.fraction == widest }.max { ($0.score!, -$0.trial) < ($1.score!, -$1.trial) }
    }

    /// Runs one rung's items, `workers` at a time; a result per item, nil for those the budget's end left unstarted.
    func run(_ items: [Item], state: SearchState, subsets: Subsets) -> [TrialRecord?] {
        let first = state.reserve(items.count)
        var results = [TrialRecord?](repeating: nil, count: items.count)
        let next = Counter()
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
                while let i = next.take(below: items.count), !state.end.hasPassed {
                    let number = first + i, item = items[i]
                    let parameters = (try? JSONValue.from(item.choice)) ?? [:]
                    let record: TrialRecord
                    if var kept = earlier[number], kept.status == .done, kept.parameters == parameters, kept.fraction == item.fraction {
                        kept.resumed = true
                        record = kept
                    } else {
                        state.starting(report: onStatus, budget: budget)
                        record = trial(number, item, parameters: parameters, corpus: subsets.share(item.fraction), labels: subsets.labels,
                                       end: state.end)
                    }
                    base[i] = record
                    state.finished(record, choice: item.choice, report: onStatus, onTrial: onTrial, budget: budget)
                }
            }
        }
        return results
    }

    /// Trains and scores one choice, on one thread, until its deadline.
    func trial(_ number: Int, _ item: Item, parameters: [String: JSONValue], corpus: LabelledCorpus, labels: [String],
               end: Deadline) -> TrialRecord {
        let start = DispatchTime.now()
        var job = template
        space.apply(item.choice, to: &job)
        job.linear.threads = 1
        job.linear.seed = seed
        let deadline = Deadline(secondsFromNow: budget * Self.trialShare).capped(at: end)
        job.deadline = deadline
        var record = TrialRecord(trial: number, bracket: item.bracket, rung: item.rung, fraction: item.fraction, examples: corpus.count,
                                 parameters: parameters, status: .done, seconds: 0)
        do {
            let model = try space.train(job, on: corpus, labels: labels, valid: valid)
            let answers = deadline.hasPassed ? [] : Evaluation.topAnswers(model, domains: valid.domains, threads: 1)
            if deadline.hasPassed {
                record.status = .cut
            } else if answers.contains(where: { !$0.probability.isFinite }) {
                record.status = .failed
                record.error = "diverged: non-finite scores (the learning rate is too high for these settings)"
            } else {
                let report = Evaluation.report(labels: model.labels, answers: answers, truth: valid.labels)
                record.validAccuracy = report.accuracy
                record.validMacroF1 = report.macroF1
                record.score = metric.score(report)
            }
        } catch is DeadlinePassed {
            record.status = .cut
        } catch {
            record.status = .failed
            record.error = "\(error)"
        }
        record.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return record
    }
}
