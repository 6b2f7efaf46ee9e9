import Dashboard

/// What serving instances saw of an experiment since their last flush: names answered per arm, their labels
/// and latencies, the shadow arm's disagreements, and feedback scored live. Instances add their tallies to
/// the index every few seconds (`ModelRegistry.addLive`), never once per request; sums of several instances
/// are sums of their tallies.
package struct LiveTally: Sendable {
    package struct Arm: Sendable {
        package var names = 0
        /// Answers by label.
        package var labels: [String: Int] = [:]
        /// Latency samples by `LatencyBuckets` bucket.
        package var latency: [Int: Int] = [:]
        package init() {}

        mutating func add(_ other: Arm) {
            names += other.names
            for (label, n) in other.labels { labels[label, default: 0] += n }
            for (bucket, n) in other.latency { latency[bucket, default: 0] += n }
        }
    }

    package var control = Arm()
    package var treatment = Arm()
    /// Shadow mode: names the treatment scored off the answer path, those where its label differed from the
    /// control's, and names not scored because the shadow queue was full.
    package var shadowScored = 0
    package var shadowDisagreed = 0
    package var shadowDropped = 0
    /// Shadow disagreements as `control label → treatment label` counts.
    package var flows: [Flow: Int] = [:]
    /// Ground truth that arrived through `POST /feedback`, scored as `registry experiment score` does.
    package var feedback = ExperimentScoring.Tallies()

    package struct Flow: Sendable, Hashable {
        package var control: String
        package var treatment: String
        package init(control: String, treatment: String) { (self.control, self.treatment) = (control, treatment) }
    }

    package init() {}

    /// Adds another tally, counter by counter.
    package mutating func add(_ other: LiveTally) {
        control.add(other.control)
        treatment.add(other.treatment)
        shadowScored += other.shadowScored
        shadowDisagreed += other.shadowDisagreed
        shadowDropped += other.shadowDropped
        for (flow, n) in other.flows { flows[flow, default: 0] += n }
        feedback.control.examples += other.feedback.control.examples
        feedback.control.correct += other.feedback.control.correct
        feedback.treatment.examples += other.feedback.treatment.examples
        feedback.treatment.correct += other.feedback.treatment.correct
        if let p = other.feedback.pairs {
            var pairs = feedback.pairs ?? ExperimentStatus.Pairs()
            pairs.bothRight += p.bothRight
            pairs.onlyControl += p.onlyControl
            pairs.onlyTreatment += p.onlyTreatment
            pairs.bothWrong += p.bothWrong
            feedback.pairs = pairs
        }
    }

    package var isEmpty: Bool {
        control.names == 0 && treatment.names == 0 && shadowScored == 0 && shadowDropped == 0
            && feedback.control.examples == 0 && feedback.treatment.examples == 0
    }
}
