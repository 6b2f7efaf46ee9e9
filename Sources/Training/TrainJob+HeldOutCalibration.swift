import Corpora
import DomainKit
import Foundation
import Learners

extension TrainJob {
    /// SVM scores are margins, not probabilities, and without a validation file nothing would make them
    /// mean what they say. So a model of nine tenths of the names is calibrated on the tenth left out —
    /// whole registrable names, as the split rule keeps siblings together — and the model of all the names
    /// gets that calibration. nil (and a log line saying why) when the tenth is too small to fit one.
    func heldOutCalibration(_ corpus: LabelledCorpus, newModel: () -> LinearModel) -> Calibration? {
        var kept = LabelledCorpus(), heldOut = LabelledCorpus()
        for (domain, label) in zip(corpus.domains, corpus.labels) {
            let key = suffixes.registrableDomain(domain.name) ?? domain.name
            // The tens digit of the split rule's hash: independent of which part the corpus came from.
            if FNV1a64.hash(key) / 10 % 10 == 0 { heldOut.append(domain, label) } else { kept.append(domain, label) }
        }
        guard heldOut.count >= Self.minimumHeldOut, Set(heldOut.labels).count >= 2 else {
            log("no --valid file, and too few names to hold a tenth out (\(heldOut.count)): probabilities are not calibrated")
            return nil
        }
        let model = newModel()
        fit(model, on: kept)
        let before = Self.calibrate(model, on: heldOut, threads: linear.threads)
        log(String(format: "no --valid file: calibrated on a held-out tenth of the names (%d, by registrable name), ECE %.4f before; the model is then trained on all of them",
                   heldOut.count, before))
        return model.calibration
    }

    static let minimumHeldOut = 100
}
