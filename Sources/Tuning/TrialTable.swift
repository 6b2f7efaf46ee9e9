import Foundation

/// The final table of a search: a row per trial in order, the best marked with `*`.
package enum TrialTable {
    package static func render(_ trials: [TrialRecord], best: TrialRecord?, summaries: [Int: String], metric: TuningMetric) -> String {
        var text = "trial\tbracket\trung\tshare\texamples\tstatus\tvalid_accuracy\tvalid_macro_f1\tseconds\tparameters\n"
        for t in trials {
            let mark = t.trial == best?.trial ? "*" : ""
            let status = t.resumed == true ? "\(t.status.rawValue) (log)" : t.status.rawValue
            let accuracy = t.validAccuracy.map { String(format: "%.4f", $0) } ?? "-"
            let f1 = t.validMacroF1.map { String(format: "%.4f", $0) } ?? "-"
            text += "\(mark)\(t.trial)\t\(t.bracket)\t\(t.rung)\t\(share(t.fraction))\t\(t.examples)\t\(status)\t\(accuracy)\t\(f1)\t"
                + String(format: "%.1f", t.seconds) + "\t\(summaries[t.trial] ?? "")\n"
        }
        return text
    }

    static func share(_ fraction: Double) -> String {
        fraction >= 1 ? "1" : "1/\(Int((1 / fraction).rounded()))"
    }
}
