import Foundation

/// Where an experiment stands on the labelled names scored so far: each arm's accuracy, the difference
/// (treatment − control) with its 95% interval and p-value — McNemar's exact test when the arms scored the same
/// names (shadow), the two-proportion z-test otherwise (split) — how many more names per arm it needs to detect
/// the minimum effect (two-sided α 0.05, power 0.8), and what to do.
package struct ExperimentStatus: Codable, Sendable {
    package struct ArmTally: Codable, Sendable {
        package var version: String
        package var examples: Int
        package var correct: Int
        package var accuracy: Double { examples > 0 ? Double(correct) / Double(examples) : 0 }
        package init(version: String, examples: Int, correct: Int) { (self.version, self.examples, self.correct) = (version, examples, correct) }
    }
    package struct Pairs: Codable, Sendable {
        package var bothRight = 0, onlyControl = 0, onlyTreatment = 0, bothWrong = 0
        package var total: Int { bothRight + onlyControl + onlyTreatment + bothWrong }
        package init(bothRight: Int = 0, onlyControl: Int = 0, onlyTreatment: Int = 0, bothWrong: Int = 0) {
            (self.bothRight, self.onlyControl, self.onlyTreatment, self.bothWrong) = (bothRight, onlyControl, onlyTreatment, bothWrong)
        }
    }
    package enum Recommendation: String, Codable, Sendable {
        case promote = "PROMOTE", keep = "KEEP", needMoreData = "NEED MORE DATA"
    }

    package var experiment: Experiment
    package var control: ArmTally
    package var treatment: ArmTally
    package var pairs: Pairs?
    package var difference: Double
    package var interval: [Double]
    package var test: String
    package var p: Double
    /// Names per arm the minimum effect needs, and how many more than each arm has.
    package var neededPerArm: Int
    package var moreNeeded: Int
    package var recommendation: Recommendation
    /// What serving instances flushed: names answered, labels and latency per arm, shadow disagreements.
    package var live: Live?

    package struct Live: Codable, Sendable {
        package struct LabelCount: Codable, Sendable { package var label: String; package var count: Int }
        package struct Latency: Codable, Sendable {
            /// Upper edges of the histogram buckets holding each quantile, in seconds.
            package var p50: Double?, p90: Double?, p99: Double?
            package var samples: Int
        }
        package struct Arm: Codable, Sendable {
            package var names = 0
            package var labels: [LabelCount] = []
            package var latencySeconds: Latency?
            init() {}
        }
        package struct Flow: Codable, Sendable { package var control: String; package var treatment: String; package var count: Int }
        package struct Shadow: Codable, Sendable {
            package var scored: Int, disagreed: Int, dropped: Int
            package var flows: [Flow]
            package var disagreement: Double { scored > 0 ? Double(disagreed) / Double(scored) : 0 }
        }
        package var control: Arm
        package var treatment: Arm
        package var shadow: Shadow?
    }

    static let zAlpha = 1.959963984540054  // Φ⁻¹(0.975)
    static let zPower = 0.8416212335729143  // Φ⁻¹(0.8)

    package init(experiment: Experiment, control: ArmTally, treatment: ArmTally, pairs: Pairs?) {
        self.experiment = experiment
        self.control = control
        self.treatment = treatment
        self.pairs = experiment.mode == .shadow ? pairs ?? Pairs() : nil
        let p1 = control.accuracy, p2 = treatment.accuracy
        difference = p2 - p1
        if let pairs = self.pairs {
            // Paired: the difference's variance comes from the discordant names only.
            let n = Double(max(pairs.total, 1))
            let b = Double(pairs.onlyControl), c = Double(pairs.onlyTreatment)
            let se = max(0, (b + c) - (c - b) * (c - b) / n).squareRoot() / n
            interval = [difference - Self.zAlpha * se, difference + Self.zAlpha * se]
            test = "McNemar exact"
            p = PairedStatistics.mcNemarExact(onlyA: pairs.onlyControl, onlyB: pairs.onlyTreatment)
        } else {
            let se = (p1 * (1 - p1) / Double(max(control.examples, 1)) + p2 * (1 - p2) / Double(max(treatment.examples, 1))).squareRoot()
            interval = [difference - Self.zAlpha * se, difference + Self.zAlpha * se]
            test = "two-proportion z"
            p = PairedStatistics.twoProportionZ(successesA: control.correct, trialsA: control.examples,
                                                successesB: treatment.correct, trialsB: treatment.examples).p
        }
        neededPerArm = Self.sampleSize(baseline: control.examples > 0 ? p1 : 0.5, effect: experiment.minimumEffect)
        moreNeeded = max(0, neededPerArm - min(control.examples, treatment.examples))
        if control.examples == 0 || treatment.examples == 0 {
            recommendation = .needMoreData
        } else if p < 0.05 {
            recommendation = difference > 0 ? .promote : .keep
        } else {
            recommendation = moreNeeded > 0 ? .needMoreData : .keep
        }
    }

    /// Names per arm to detect `effect` over `baseline` accuracy with two independent proportions (Fleiss,
    /// without continuity correction; statsmodels' samplesize_proportions_2indep_onetail). For the paired
    /// shadow design it errs on the safe side: McNemar needs fewer.
    package static func sampleSize(baseline p1: Double, effect: Double) -> Int {
        guard effect > 0 else { return Int.max }
        let p2 = min(max(p1 + effect, 0.000001), 0.999999)
        let mean = (p1 + p2) / 2
        let root = zAlpha * (2 * mean * (1 - mean)).squareRoot() + zPower * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        return Int((root * root / (effect * effect)).rounded(.up))
    }

    package var text: String {
        var out = "experiment \(experiment.id): \(experiment.mode.rawValue)"
        out += experiment.mode == .split ? String(format: " (treatment %.0f%% of %@s)", 100 * experiment.share, experiment.unit.rawValue) : ""
        out += ", \(experiment.running ? "running since \(experiment.startedAt)" : "stopped \(experiment.stoppedAt ?? "")")\n"
        out += String(format: "control   %@: %d labelled names, accuracy %.4f\n", control.version, control.examples, control.accuracy)
        out += String(format: "treatment %@: %d labelled names, accuracy %.4f\n", treatment.version, treatment.examples, treatment.accuracy)
        if control.examples == 0 || treatment.examples == 0 {
            out += "difference: none yet (an arm has no labelled names)\n"
        } else {
            out += String(format: "difference %+.4f, 95%% interval [%+.4f, %+.4f], %@ p = %.4g\n", difference, interval[0], interval[1], test, p)
        }
        out += String(format: "to detect %.4f: %d names per arm, %d more\n", experiment.minimumEffect, neededPerArm, moreNeeded)
        out += "recommendation: \(recommendation.rawValue)\n"
        if let live { out += liveText(live) }
        return out
    }

    private func liveText(_ live: Live) -> String {
        var out = "served (flushed by serve --registry):\n"
        for (name, arm, version) in [("control", live.control, control.version), ("treatment", live.treatment, treatment.version)]
        where arm.names > 0 || arm.latencySeconds != nil {
            out += "  " + name.padding(toLength: 9, withPad: " ", startingAt: 0) + " \(version): \(arm.names) names"
            if let l = arm.latencySeconds, let p50 = l.p50, let p99 = l.p99 {
                out += String(format: ", batch latency p50 ≤ %.3f ms, p99 ≤ %.3f ms", p50 * 1000, p99 * 1000)
            }
            let total = max(1, arm.names)
            let top = arm.labels.prefix(5).map { String(format: "%@ %.1f%%", $0.label, 100 * Double($0.count) / Double(total)) }
            if !top.isEmpty { out += "; " + top.joined(separator: ", ") }
            out += "\n"
        }
        if let shadow = live.shadow {
            out += String(format: "  shadow: %d names scored, %d disagreed (%.2f%%), %d not scored (queue full)\n",
                          shadow.scored, shadow.disagreed, 100 * shadow.disagreement, shadow.dropped)
            for flow in shadow.flows.prefix(5) { out += "    \(flow.control) → \(flow.treatment): \(flow.count)\n" }
        }
        return out
    }
}
