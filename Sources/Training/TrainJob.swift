import Corpora
import DomainKit
import Foundation
import Learners
import ModelStore

/// What `domcat train` does, independent of argument parsing: read corpora, start from scratch or from
/// an earlier model, train, score on a validation file, write one model file.
package struct TrainJob {
    package var corpusPaths: [String]
    package var outputPath: String
    /// The model's name in its header (`category`, `service`); nil: the output file's name without `.dcm`.
    package var name: String?
    package var initModelPath: String?
    package var validPath: String?
    package var kind = ModelKind.linear
    package var linear = LinearParams()
    package var gbdt = GBDTJobOptions()
    package var suffixes: PublicSuffixList
    /// (phase, done, total, loss) for a progress display.
    package var progress: (@Sendable (String, Int, Int, Double) -> Void)?
    /// Human-readable notes (bad corpus lines, label changes) for stderr.
    package var log: (String) -> Void = { _ in }

    package init(corpusPaths: [String], outputPath: String, suffixes: PublicSuffixList) {
        self.corpusPaths = corpusPaths
        self.outputPath = outputPath
        self.suffixes = suffixes
    }

    package struct Outcome {
        package var examples: Int
        package var skipped: Int
        package var labels: [String]
        package var seconds: Double
        package var validation: EvaluationReport?
        package var digest: String
    }

    package func run() throws -> Outcome {
        let start = Date()
        if kind == .gbdt { return try runGBDT(start: start) }
        let corpus = try LabelledCorpus.read(paths: corpusPaths)
        for problem in corpus.problems { log("skipped \(problem)") }
        if corpus.skipped > corpus.problems.count { log("… \(corpus.skipped - corpus.problems.count) more bad lines skipped") }
        guard corpus.count > 0 else { throw TrainError("no usable examples in \(corpusPaths.joined(separator: ", "))") }

        if kind == .fasttext { return try runFastText(corpus, start: start) }
        var model: LinearModel
        var parent: String?
        if let initModelPath {
            let earlier = try Model.load(path: initModelPath, suffixes: suffixes)
            guard let linear = earlier.classifier as? LinearModel else {
                throw TrainError("\(initModelPath) is a '\(earlier.header.kind)' model; --init-model needs a model of the same kind")
            }
            let known = Set(linear.labels)
            let newLabels = corpus.labelIndex(startingWith: linear.labels).names.filter { !known.contains($0) }
            if !newLabels.isEmpty { log("new labels join the model: \(newLabels.joined(separator: ", "))") }
            var params = linear.params
            params.epochs = self.linear.epochs
            params.learningRate = self.linear.learningRate
            params.threads = self.linear.threads
            model = LinearModel(labels: linear.labels, params: params, tokenizer: linear.tokenizer,
                                input: linear.input, output: linear.output).extended(with: newLabels)
            parent = earlier.digest
        } else {
            model = LinearModel(labels: corpus.labelIndex().names, params: linear, suffixes: suffixes)
        }
        let (_, indices) = corpus.labelIndex(startingWith: model.labels)
        let report = progress
        report?("tokenising", 0, corpus.count, 0)
        do {  // the bags go before the model is encoded: peak memory is one of the figures
            let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: model.tokenizer,
                                   bucketMask: UInt64(model.params.buckets - 1), threads: model.params.threads)
            LinearTrainer.train(model, on: bags) { done, total, loss in report?("training", done, total, loss) }
        }

        return try finish(model, corpus: corpus, start: start, parent: parent) { try LinearCodec.encode(model, header: $0) }
    }

    /// Calibrates the new model's probabilities and scores it on the validation file, writes it with its
    /// header, and reports. Without a validation file the probabilities stay as trained (temperature 1).
    func finish(_ model: any DomainClassifier, corpus: LabelledCorpus, start: Date, parent: String?,
                encode: (ModelHeader) throws -> ModelFile) throws -> Outcome {
        var metrics: [String: Double] = [:]
        var validation: EvaluationReport?
        model.calibration = Calibration()
        if let validPath {
            let valid = try LabelledCorpus.read(paths: [validPath])
            let uncalibrated = calibrate(model, on: valid)
            let r = Evaluation.evaluate(model, domains: valid.domains, truth: valid.labels, threads: linear.threads)
            metrics["valid_accuracy"] = r.accuracy
            metrics["valid_macro_f1"] = r.macroF1
            metrics["valid_ece_uncalibrated"] = uncalibrated
            metrics["valid_ece"] = r.calibration?.expectedCalibrationError
            log(String(format: "calibrated on %d validation names: temperature %.3f and a %d-step top-1 map, ECE %.4f → %.4f",
                       valid.count, model.calibration.temperature, model.calibration.confidence.count, uncalibrated,
                       r.calibration?.expectedCalibrationError ?? 0))
            validation = r
        } else {
            log("no --valid file: probabilities are not calibrated")
        }
        let seconds = Date().timeIntervalSince(start)
        metrics["train_seconds"] = seconds
        var header = ModelHeader(kind: kind.rawValue, labels: model.labels, parameters: [:],
                                 corpusDigest: corpus.digest(), trainingExamples: corpus.count, metrics: metrics, parent: parent)
        header.calibration = model.calibration.isIdentity ? nil : model.calibration
        header.name = name ?? Model.stem(of: outputPath)
        let digest = try encode(header).write(to: outputPath)
        return Outcome(examples: corpus.count, skipped: corpus.skipped, labels: model.labels, seconds: seconds,
                       validation: validation, digest: digest)
    }
}

extension TrainJob {
    /// Fits the calibration of `model` on `valid` — the temperature, then the top-1 map of the tempered
    /// answers — and sets it; returns the ECE before.
    func calibrate(_ model: any DomainClassifier, on valid: LabelledCorpus) -> Double {
        let before = Evaluation.evaluate(model, domains: valid.domains, truth: valid.labels, threads: linear.threads)
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, Int32($0)) })
        let logits = Evaluation.logProbabilities(model, domains: valid.domains, threads: linear.threads)
        let temperature = TemperatureScaling.fit(logits: logits, labels: valid.labels.map { index[$0] ?? -1 }, classes: model.labels.count)
        model.calibration = Calibration(temperature: temperature)
        let answers = Evaluation.topAnswers(model, domains: valid.domains, threads: linear.threads)
        let map = Calibration.isotonic(confidences: answers.map(\.probability),
                                       correct: zip(answers, valid.labels).map { index[$1] == $0.label })
        model.calibration = Calibration(temperature: temperature, confidence: map.confidence, accuracy: map.accuracy)
        return before.calibration?.expectedCalibrationError ?? 0
    }
}

package enum ModelKind: String, CaseIterable, Sendable {
    case linear, fasttext, gbdt
}

package struct TrainError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
