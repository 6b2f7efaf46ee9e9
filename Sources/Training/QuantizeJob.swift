import Corpora
import DomainKit
import Foundation
import Learners
import Lines
import ModelStore

/// What `domcat quantize` does: a float `linear` model in, the same model with int8 rows (and, with a
/// cutoff, only its most important rows) out. The new header keeps the model's lineage and says which
/// file it was made from; its validation figures are measured again on `validPath` (where its probabilities
/// are calibrated again), or dropped.
package struct QuantizeJob {
    package var modelPath: String
    package var outputPath: String
    package var quantization = Quantization()
    /// With `Pruning.use`: count each bucket's training names in these corpora (default: the model's own
    /// document frequencies).
    package var usePaths: [String] = []
    package var validPath: String?
    package var threads = 2
    /// Write the model zstd-compressed, for shipping.
    package var compress = false
    package var suffixes: PublicSuffixList

    package init(modelPath: String, outputPath: String, suffixes: PublicSuffixList) {
        self.modelPath = modelPath
        self.outputPath = outputPath
        self.suffixes = suffixes
    }

    package struct Outcome {
        package var digest: String
        package var rows: Int
        package var kept: Int
        package var validation: EvaluationReport?
    }

    package func run() throws -> Outcome {
        try OutputPath.check(outputPath, inputs: [modelPath] + usePaths + [validPath].compactMap { $0 })
        let file = try ModelFile.read(path: modelPath)
        let model = try Model(file: file, path: modelPath, suffixes: suffixes)
        guard let linear = model.learned as? LinearModel else {
            if model.learned is QuantizedLinearModel { throw TrainUsageError("\(modelPath) is quantized already: quantize the float model it was made from") }
            throw TrainUsageError("\(modelPath) is a \(file.header.kind) model: only linear models are quantized")
        }
        let uses = usePaths.isEmpty ? nil : try bucketUses(linear)
        let small = try linear.quantized(quantization, uses: uses)
        var header = file.header
        header.quantizedFrom = file.digest
        header.metrics = header.metrics.filter { !$0.key.hasPrefix("valid_") }
        var validation: EvaluationReport?
        if let validPath {
            let valid = try LabelledCorpus.read(paths: [validPath])
            try valid.requireExamples([validPath])
            // Pruned rows move the probabilities: they are calibrated again on these names.
            small.calibration = Calibration()
            header.metrics["valid_ece_uncalibrated"] = TrainJob.calibrate(small, on: valid, threads: threads)
            header.calibration = small.calibration.isIdentity ? nil : small.calibration
            let report = Evaluation.evaluate(small, domains: valid.domains, truth: valid.labels, threads: threads)
            header.metrics["valid_accuracy"] = report.accuracy
            header.metrics["valid_macro_f1"] = report.macroF1
            header.metrics["valid_ece"] = report.calibration?.expectedCalibrationError
            validation = report
        }
        var out = try LinearCodec.encode(small, header: header)
        if let names = file.section(TrainedNamesCodec.section) { out.sections[TrainedNamesCodec.section] = names }
        let digest = try out.write(to: outputPath, inputs: [modelPath], compressed: compress)
        return Outcome(digest: digest, rows: small.input.rows, kept: small.input.kept, validation: validation)
    }

    /// How many names of `usePaths` have a feature in each bucket.
    func bucketUses(_ model: LinearModel) throws -> [UInt32] {
        let corpus = try LabelledCorpus.read(paths: usePaths)
        try corpus.requireExamples(usePaths)
        let bags = FeatureBags(domains: corpus.domains, labels: [Int32](repeating: 0, count: corpus.count), tokenizer: model.tokenizer,
                               bucketMask: UInt64(model.params.buckets - 1), threads: threads)
        let counts = DocumentFrequency(buckets: model.params.buckets)
        counts.add(bags)
        return counts.counts
    }
}
