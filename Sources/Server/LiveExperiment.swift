import Dashboard
import DomainKit
import Foundation
import ModelStore
import Registry
import Streaming

/// The registry's running experiment as serve carries it out. Split: a unit's arm decides which of the
/// control (the first model) and the treatment answers a name — the same unit always gets the same arm.
/// Shadow: the control answers every name and the treatment scores a sample of them afterwards, off the
/// answer path (`ShadowScorer`). What each arm did is counted in `counters`, flushed to the index.
package final class LiveExperiment: Sendable {
    /// What the follower hands over to build one: the experiment and its treatment, loaded.
    struct Plan {
        let experiment: Experiment
        let treatment: Model
        let treatmentVersion: String
        /// Shadow mode: the share of names the treatment scores.
        let shadowSample: Double
    }

    package let experiment: Experiment
    let treatment: ServingModel
    /// Lines the treatment answered: its labels and its version in the first model's place.
    let treatedFormatter: AnswerFormatter
    let counters: ExperimentCounters
    let shadow: ShadowScorer?
    private let suffixes: PublicSuffixList
    /// The control's index of each treatment label (-1: the control has no such label), for counting both
    /// arms' answers under one set of labels.
    private let controlLabels: [Int32]

    init(plan: Plan, control: ServingModel, treatment: ServingModel, treatedFormatter: AnswerFormatter, suffixes: PublicSuffixList,
         counters: ExperimentCounters) {
        experiment = plan.experiment
        self.treatment = treatment
        self.treatedFormatter = treatedFormatter
        self.suffixes = suffixes
        self.counters = counters
        shadow = plan.experiment.mode == .shadow ? ShadowScorer(treatment: treatment, sample: plan.shadowSample, counters: counters) : nil
        let index = Dictionary(control.model.classifier.labels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        controlLabels = treatment.model.classifier.labels.map { index[$0] ?? -1 }
    }

    func controlLabel(ofTreatment label: Int32) -> Int32 {
        Int(label) < controlLabels.count ? controlLabels[Int(label)] : -1
    }

    /// Whether the treatment answers `name` (split mode, the name's unit in the treatment's share).
    func treats(_ name: String, client: String?) -> Bool {
        experiment.mode == .split && experiment.arm(forUnitKey: experiment.unitKey(name: name, client: client, suffixes: suffixes)) == .treatment
    }

    /// Stops the shadow thread (the set is being replaced by one without this experiment).
    func retire() { shadow?.stop() }
}

/// Names answered per arm and their labels, gathered over a batch or a read and added to the counters once.
struct ArmCounts {
    var names = [0, 0]
    /// Answers per label index, per arm (0 control, 1 treatment).
    var labels: [[Int]] = [[], []]

    mutating func count(arm: Int, label: Int32) {
        names[arm] += 1
        let l = Int(label)
        if labels[arm].count <= l { labels[arm].append(contentsOf: repeatElement(0, count: l + 1 - labels[arm].count)) }
        labels[arm][l] += 1
    }

    var isEmpty: Bool { names[0] + names[1] == 0 }
}

/// An experiment's tallies since the last flush, shared by the workers, the event loops and the shadow
/// thread; the follower takes them every few seconds and adds them to the index in one transaction.
final class ExperimentCounters: @unchecked Sendable {
    private var tally = LiveTally()
    private let lock = NSLock()

    func add(_ counts: ArmCounts, controlLabels: [String], treatmentLabels: [String]) {
        guard !counts.isEmpty else { return }
        lock.lock(); defer { lock.unlock() }
        addLocked(counts, controlLabels: controlLabels, treatmentLabels: treatmentLabels)
    }

    private func addLocked(_ counts: ArmCounts, controlLabels: [String], treatmentLabels: [String]) {
        for (arm, labels) in [(0, controlLabels), (1, treatmentLabels)] where counts.names[arm] > 0 {
            update(arm) { a in
                a.names += counts.names[arm]
                for (l, n) in counts.labels[arm].enumerated() where n > 0 && l < labels.count { a.labels[labels[l], default: 0] += n }
            }
        }
    }

    /// One latency sample of an arm: a batch's answer time on that arm's lane.
    func latency(arm: Int, nanoseconds: Int64) {
        lock.lock(); defer { lock.unlock() }
        update(arm) { $0.latency[LatencyBuckets.bucket(nanoseconds: nanoseconds), default: 0] += 1 }
    }

    /// A batch the shadow treatment scored: its answers (`counts`, arm 1), where it disagreed, how long it took.
    func shadow(_ counts: ArmCounts, labels: [String], flows: [LiveTally.Flow], latencyNanoseconds: Int64) {
        lock.lock(); defer { lock.unlock() }
        tally.shadowScored += counts.names[1]
        tally.shadowDisagreed += flows.count
        for flow in flows { tally.flows[flow, default: 0] += 1 }
        addLocked(counts, controlLabels: [], treatmentLabels: labels)
        tally.treatment.latency[LatencyBuckets.bucket(nanoseconds: latencyNanoseconds), default: 0] += 1
    }

    func shadowDropped(_ names: Int) {
        lock.lock(); tally.shadowDropped += names; lock.unlock()
    }

    /// One labelled name from `POST /feedback`: which arm answered it (both, in shadow mode) and whether rightly.
    func feedback(control: Bool?, treatment: Bool?) {
        lock.lock(); defer { lock.unlock() }
        if let control { tally.feedback.control.examples += 1; if control { tally.feedback.control.correct += 1 } }
        if let treatment { tally.feedback.treatment.examples += 1; if treatment { tally.feedback.treatment.correct += 1 } }
        if let control, let treatment {
            var pairs = tally.feedback.pairs ?? ExperimentStatus.Pairs()
            switch (control, treatment) {
            case (true, true): pairs.bothRight += 1
            case (true, false): pairs.onlyControl += 1
            case (false, true): pairs.onlyTreatment += 1
            case (false, false): pairs.bothWrong += 1
            }
            tally.feedback.pairs = pairs
        }
    }

    /// Everything since the last call, leaving the counters at zero.
    func take() -> LiveTally {
        lock.lock(); defer { lock.unlock() }
        let taken = tally
        tally = LiveTally()
        return taken
    }

    /// Puts back a tally that could not be written (the index was busy), so nothing counted is lost.
    func restore(_ old: LiveTally) {
        lock.lock(); defer { lock.unlock() }
        var merged = old
        merged.add(tally)
        tally = merged
    }

    private func update(_ arm: Int, _ body: (inout LiveTally.Arm) -> Void) {
        if arm == 0 { body(&tally.control) } else { body(&tally.treatment) }
    }
}
