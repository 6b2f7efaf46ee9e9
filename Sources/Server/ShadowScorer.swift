import DomainKit
import Foundation
import Learners
import Registry

/// The shadow arm: the treatment scores a sample of the names the control answered, on its own thread, after
/// the answers went out — a reply never waits for it. A full queue drops the batch (counted), never blocks.
final class ShadowScorer: @unchecked Sendable {
    static let maxQueuedBatches = 64
    private let treatment: ServingModel
    /// The share of names scored, chosen by a hash of the name (the same name is always in or out).
    private let threshold: UInt64
    private let counters: ExperimentCounters
    private var queue: [[(domain: Domain, control: String)]] = []
    private var stopped = false
    private let condition = NSCondition()
    private let finished = DispatchSemaphore(value: 0)

    init(treatment: ServingModel, sample: Double, counters: ExperimentCounters) {
        self.treatment = treatment
        threshold = sample >= 1 ? .max : UInt64(Double(UInt64.max) * max(0, sample))
        self.counters = counters
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "domcat-shadow"
        thread.start()
    }

    func samples(_ name: String) -> Bool {
        threshold == .max || mixHash(FNV1a64.hash(name)) < threshold
    }

    /// Queues names with the control's labels; drops them when the queue is full.
    func submit(_ batch: [(domain: Domain, control: String)]) {
        guard !batch.isEmpty else { return }
        condition.lock()
        let full = queue.count >= Self.maxQueuedBatches || stopped
        if !full { queue.append(batch); condition.signal() }
        condition.unlock()
        if full { counters.shadowDropped(batch.count) }
    }

    func stop() {
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        finished.wait()
    }

    private func run() {
        let workspace = ClassifierWorkspace()
        let classifier = treatment.model.classifier
        let labels = classifier.labels
        var flows: [LiveTally.Flow] = []
        var counts = ArmCounts()
        while let batch = take() {
            let started = DispatchTime.now().uptimeNanoseconds
            flows.removeAll(keepingCapacity: true)
            counts = ArmCounts()
            classifier.classifyEach(batch.map(\.domain), k: 1, workspace: workspace) { i, top in
                guard let best = top.first else { return }
                counts.count(arm: 1, label: best.label)
                let label = labels[Int(best.label)]
                if label != batch[i].control { flows.append(.init(control: batch[i].control, treatment: label)) }
            }
            counters.shadow(counts, labels: labels, flows: flows, latencyNanoseconds: Int64(DispatchTime.now().uptimeNanoseconds - started))
        }
    }

    private func take() -> [(domain: Domain, control: String)]? {
        condition.lock(); defer { condition.unlock() }
        while queue.isEmpty {
            if stopped { return nil }
            condition.wait()
        }
        return queue.removeFirst()
    }
}
