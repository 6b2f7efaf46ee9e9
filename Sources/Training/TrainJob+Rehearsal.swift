import Corpora
import DomainKit
import Foundation
import ModelStore

/// Continuing without forgetting. A model keeps a bounded sample of the names it was trained on
/// (`RehearsalSample`, the file's `rehearsal` section); `train --init-model` mixes it into the new
/// batch, so a batch of a few labels does not pull every other label's names toward them, and writes
/// the sample carried forward (updated with the batch) into the new model.
extension TrainJob {
    /// The model to continue, read once, and its rehearsal sample (nil for a file written before
    /// samples were kept).
    func loadEarlier() throws -> (model: Model, sample: RehearsalSample?)? {
        guard let path = initModelPath else { return nil }
        let file = try ModelFile.read(path: path)
        let model = try Model(file: file, path: path, suffixes: suffixes)
        guard let bytes = file.section(RehearsalSample.sectionName) else { return (model, nil) }
        do { return (model, try RehearsalSample(decoding: bytes)) } catch {
            throw ModelFileError.corrupt(path: path, reason: "\(error)")
        }
    }

    /// The names a continued run trains on: the batch, then the earlier names of `sample` the batch does
    /// not relabel. Without a sample, or with `--no-rehearsal`, the batch alone.
    func withRehearsal(_ batch: LabelledCorpus, _ sample: RehearsalSample?) -> LabelledCorpus {
        guard rehearse, let sample, sample.count > 0 else { return batch }
        var corpus = batch
        let inBatch = Set(batch.domains.map(\.name))
        for (d, l) in zip(sample.domains, sample.labels) where !inBatch.contains(d.name) { corpus.append(d, l) }
        log("rehearsal: \(corpus.count - batch.count) names the model was trained on before join the \(batch.count) new ones"
            + (sample.isComplete ? " (all of them)" : ""))
        return corpus
    }

    /// Why a continuation runs on the batch alone, for the log; nil when it rehearses.
    func rehearsalNote(_ sample: RehearsalSample?) -> String? {
        guard let path = initModelPath else { return nil }
        if !rehearse { return "--no-rehearsal: continuing on the new batch alone" }
        if sample == nil { return "\(path) holds no rehearsal sample (written before domcat kept one): continuing on the new batch alone" }
        return nil
    }

    /// The sample to store with the model trained on `batch` after `sample`: nil (no section) with a
    /// capacity of 0.
    func nextSample(_ sample: RehearsalSample?, after batch: LabelledCorpus) -> RehearsalSample? {
        let capacity = rehearsalCapacity ?? sample?.capacity ?? RehearsalSample.defaultCapacity
        guard capacity > 0 else { return nil }
        // A continued model without a sample saw names no sample holds.
        return (sample ?? RehearsalSample(capacity: capacity, complete: initModelPath == nil)).adding(batch, capacity: capacity)
    }
}
