import Corpora
import DomainKit
import Foundation
import Learners
import Lines
import ModelStore

/// What `domcat train` does, independent of argument parsing: read corpora, start from scratch or from
/// an earlier model, train, score on a validation file, write one model file.
package struct TrainJob {
    package var corpusPaths: [String]
    package var outputPath: String
    /// The model's name in its header (`category`, `service`); nil: the output file's name without `.dcm`.
    package var name: String?
    /// With a validation file: choose the `unknown` threshold at which answers are right this often.
    package var unknownPrecision: Double?
    package var initModelPath: String?
    package var validPath: String?
    /// nil: the kind of the model continued (`initModelPath`), or `linear`.
    package var kind: ModelKind?
    /// What becomes of names the corpus gives two different labels.
    package var conflicts = ConflictPolicy.keepFirst
    /// Keep the training names in the model, answered as trained (`TrainedNames`); a continued model
    /// keeps its earlier ones too.
    package var keepTrainedNames = true
    package var linear = LinearParams()
    /// Write the linear model quantized (`train --quantize`): int8 rows, pruned to a cutoff if it has one;
    /// its rows pruned by use are pruned by the training names' use of them.
    package var quantization: Quantization?
    /// Write the model zstd-compressed, for shipping (it is expanded into the model cache when loaded).
    package var compress = false
    /// Continuing a linear model: keep its own epochs / learning rate (chosen for it, perhaps by `tune`)
    /// instead of `linear`'s — when the command line gave none.
    package var keepsEarlierEpochs = false
    package var keepsEarlierLearningRate = false
    /// No training runs past it (`domcat tune`'s budget); nil: training runs to its end.
    package var deadline: Deadline?
    /// How the model was chosen, for its header (`domcat tune`).
    package var tuning: TuningSummary?
    /// Continuing: mix the model's rehearsal sample into the new batch (`--no-rehearsal`: the batch alone).
    package var rehearse = true
    /// Names of its training data the new model keeps for later continuations (`--rehearsal-size`; 0: none);
    /// nil: the continued model's bound, or `RehearsalSample.defaultCapacity`.
    package var rehearsalCapacity: Int?
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

    /// Every file the job reads: none of them may be an output.
    var inputPaths: [String] {
        corpusPaths + [validPath, initModelPath, gbdt.embeddingsFrom].compactMap { $0 } + gbdt.unlabelledPaths
    }

    package func run() throws -> Outcome {
        let start = Date()
        if kind == .fasttext, let path = initModelPath { throw TrainUsageError("--kind fasttext cannot continue \(path): \(ModelKind.fastTextCannotContinue)") }
        // Refused outputs fail before any training, not after it.
        try OutputPath.check(outputPath, inputs: inputPaths)
        if let path = gbdt.exportTrainRowsPath { try OutputPath.check(path, inputs: inputPaths + [outputPath]) }
        let loaded = try loadEarlier()
        let earlier = loaded?.model
        let resolved = try resolvedKind(continuing: earlier)
        if quantization != nil, resolved != .linear { throw TrainUsageError("--quantize makes linear models small; this is a \(resolved.rawValue) model") }
        if resolved != .fasttext, let note = rehearsalNote(loaded?.sample) { log(note) }
        switch resolved {
        case .gbdt: return try runGBDT(continuing: earlier, sample: loaded?.sample, start: start)
        case .fasttext: return try runFastText(try readCorpus(known: []), start: start)
        case .linear: return try runLinear(continuing: earlier, sample: loaded?.sample, start: start)
        }
    }

    /// The kind to train: the continued model's (another `--kind` is a usage error), else `kind` or linear.
    func resolvedKind(continuing earlier: Model?) throws -> ModelKind {
        guard let earlier, let path = initModelPath else { return kind ?? .linear }
        guard let earlierKind = ModelKind(rawValue: earlier.header.kind) else {
            throw ModelFileError.unknownKind(path: path, kind: earlier.header.kind)
        }
        if earlierKind == .fasttext { throw TrainUsageError("\(path) is a fasttext model, and \(ModelKind.fastTextCannotContinue)") }
        if let kind, kind != earlierKind {
            throw TrainUsageError("--kind \(kind.rawValue) does not match \(path), a \(earlierKind.rawValue) model: leave --kind out to continue it")
        }
        return earlierKind
    }

    func runLinear(continuing earlier: Model?, sample: RehearsalSample?, start: Date) throws -> Outcome {
        let batch: LabelledCorpus
        let newModel: () -> LinearModel
        if let earlier {
            guard let linear = earlier.learned as? LinearModel else {  // `resolvedKind` matched the kinds
                throw TrainUsageError("\(initModelPath ?? "the model") is quantized: continue the float model it was made from")
            }
            batch = try readCorpus(known: linear.labels)
            let known = Set(linear.labels)
            let newLabels = batch.labelIndex(startingWith: linear.labels).names.filter { !known.contains($0) }
            if !newLabels.isEmpty { log("new labels join the model: \(newLabels.joined(separator: ", "))") }
            var params = linear.params
            if !keepsEarlierEpochs { params.epochs = self.linear.epochs }
            if !keepsEarlierLearningRate { params.learningRate = self.linear.learningRate }
            params.threads = self.linear.threads
            // `extended` copies the table: each model made here trains apart from the earlier one.
            newModel = {
                LinearModel(labels: linear.labels, params: params, tokenizer: linear.tokenizer,
                            input: linear.input, output: linear.output, documentFrequency: linear.documentFrequency).extended(with: newLabels)
            }
        } else {
            batch = try readCorpus(known: [])
            let labels = batch.labelIndex().names
            newModel = { LinearModel(labels: labels, params: linear, suffixes: suffixes) }
        }
        let corpus = withRehearsal(batch, sample)
        let model = newModel()
        let heldOut = validPath == nil && model.params.trainsSVMs ? heldOutCalibration(corpus, newModel: newModel) : nil
        let uses = fit(model, on: corpus)
        if let quantization {
            let small = try model.quantized(quantization, uses: uses)
            return try finish(small, examples: CorpusDigest(batch), names: TrainedNameList(batch), skipped: batch.skipped, start: start,
                              earlier: earlier, heldOutCalibration: heldOut) { try LinearCodec.encode(small, header: $0) }
        }
        return try finish(model, examples: CorpusDigest(batch), names: TrainedNameList(batch), skipped: batch.skipped, start: start,
                          earlier: earlier, rehearsal: nextSample(sample, after: batch), heldOutCalibration: heldOut) {
            try LinearCodec.encode(model, header: $0)
        }
    }

    /// Tokenises `corpus` and trains `model` on it, until `deadline`. The bags are gone when it returns,
    /// before the model is encoded: peak memory is one of the figures. Returns each bucket's use by the
    /// training names when `quantization` prunes by use, else nil.
    @discardableResult
    package func fit(_ model: LinearModel, on corpus: LabelledCorpus) -> [UInt32]? {
        let (_, indices) = corpus.labelIndex(startingWith: model.labels)
        let report = progress
        report?("tokenising", 0, corpus.count, 0)
        let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: model.tokenizer,
                               bucketMask: UInt64(model.params.buckets - 1), threads: model.params.threads)
        LinearTrainer.train(model, on: bags, deadline: deadline) { done, total, loss in report?("training", done, total, loss) }
        guard quantization?.prune == .use else { return nil }
        let counts = DocumentFrequency(buckets: model.params.buckets)
        counts.add(bags)
        return counts.counts
    }

    /// Between the steps of a pipeline that no step's own check covers: past `deadline`, the job stops here.
    func stopAtDeadline() throws {
        if let deadline, deadline.hasPassed { throw DeadlinePassed() }
    }

    /// The corpus as training sees it: read, its problems logged, conflicting labels resolved under
    /// `conflicts`, and at least two labels together with the `known` ones of a continued model.
    package func readCorpus(known: [String]) throws -> LabelledCorpus {
        let read = try LabelledCorpus.read(paths: corpusPaths)
        read.problemReport.forEach(log)
        try read.requireExamples(corpusPaths)
        let conflicts = LabelConflicts(read)
        let (corpus, removed) = try conflicts.resolve(read, policy: self.conflicts)
        if let summary = conflicts.summary(policy: self.conflicts, removed: removed) { log(summary) }
        try requireTwoLabels(corpus.labelIndex(startingWith: known).names)
        return corpus
    }

    /// One label is no classifier: it would answer that label with p = 1 for every name.
    func requireTwoLabels(_ labels: [String]) throws {
        guard labels.count < 2 else { return }
        let which = labels.first.map { "only the label '\($0)'" } ?? "no labels"
        throw TrainError("\(corpusPaths.joined(separator: ", ")) has \(which): a classifier needs examples of at least two labels")
    }

    /// Calibrates the new model's probabilities and scores it on the validation file, writes it with its
    /// header, and reports. Without a validation file the probabilities are `heldOutCalibration`'s, or as trained.
    func finish(_ model: any DomainClassifier, examples: CorpusDigest, names: TrainedNameList, skipped: Int, start: Date,
                earlier: Model?, rehearsal: RehearsalSample? = nil, heldOutCalibration: Calibration? = nil,
                encode: (ModelHeader) throws -> ModelFile) throws -> Outcome {
        var metrics: [String: Double] = [:]
        var validation: EvaluationReport?
        var unknownBelow: Float?
        model.calibration = Calibration()
        if let validPath {
            let valid = try LabelledCorpus.read(paths: [validPath])
            try valid.requireExamples([validPath])
            let uncalibrated = calibrate(model, on: valid)
            let r = Evaluation.evaluate(model, domains: valid.domains, truth: valid.labels, threads: linear.threads)
            metrics["valid_accuracy"] = r.accuracy
            metrics["valid_macro_f1"] = r.macroF1
            metrics["valid_ece_uncalibrated"] = uncalibrated
            metrics["valid_ece"] = r.calibration?.expectedCalibrationError
            log(String(format: "calibrated on %d validation names: temperature %.3f and a %d-step top-1 map, ECE %.4f → %.4f",
                       valid.count, model.calibration.temperature, model.calibration.confidence.count, uncalibrated,
                       r.calibration?.expectedCalibrationError ?? 0))
            if let unknownPrecision {
                let answers = Evaluation.topAnswers(model, domains: valid.domains, threads: linear.threads)
                let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, Int32($0)) })
                let t = Calibration.threshold(precision: unknownPrecision, confidences: answers.map(\.probability),
                                              correct: zip(answers, valid.labels).map { index[$1] == $0.label })
                unknownBelow = t
                let kept = answers.filter { $0.probability >= t }.count
                log(String(format: "unknown below p %.4f: %d of %d validation answers kept, right %.0f%% of the time", t, kept, answers.count,
                           100 * unknownPrecision))
            }
            validation = r
        } else if let heldOutCalibration {
            model.calibration = heldOutCalibration
        } else {
            log("no --valid file: probabilities are not calibrated")
        }
        let seconds = Date().timeIntervalSince(start)
        metrics["train_seconds"] = seconds
        // Each codec writes its own kind, labels and parameters into the header.
        var header = ModelHeader(kind: "", labels: [], parameters: [:],
                                 corpusDigest: examples.value, trainingExamples: examples.count, metrics: metrics, parent: earlier?.digest)
        header.calibration = model.calibration.isIdentity ? nil : model.calibration
        header.name = name ?? Model.stem(of: outputPath)
        header.unknownBelow = unknownBelow
        header.tuning = tuning
        var file = try encode(header)
        if keepTrainedNames {
            file.sections[TrainedNamesCodec.section] = TrainedNamesCodec.encode(names.names(labels: model.labels, continuing: earlier?.trainedNames))
        }
        if let rehearsal { file.sections[RehearsalSample.sectionName] = try rehearsal.encoded() }
        let digest = try file.write(to: outputPath, inputs: inputPaths, compressed: compress)
        return Outcome(examples: examples.count, skipped: skipped, labels: model.labels, seconds: seconds,
                       validation: validation, digest: digest)
    }
}

extension TrainJob {
    /// Fits the calibration of `model` on `valid` — the temperature, then the top-1 map of the tempered
    /// answers — and sets it; returns the ECE before.
    func calibrate(_ model: any DomainClassifier, on valid: LabelledCorpus) -> Double {
        Self.calibrate(model, on: valid, threads: linear.threads)
    }

    static func calibrate(_ model: any DomainClassifier, on valid: LabelledCorpus, threads: Int) -> Double {
        let before = Evaluation.evaluate(model, domains: valid.domains, truth: valid.labels, threads: threads)
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, Int32($0)) })
        let logits = Evaluation.logProbabilities(model, domains: valid.domains, threads: threads)
        let temperature = TemperatureScaling.fit(logits: logits, labels: valid.labels.map { index[$0] ?? -1 }, classes: model.labels.count)
        model.calibration = Calibration(temperature: temperature)
        let answers = Evaluation.topAnswers(model, domains: valid.domains, threads: threads)
        let map = Calibration.isotonic(confidences: answers.map(\.probability),
                                       correct: zip(answers, valid.labels).map { index[$1] == $0.label })
        model.calibration = Calibration(temperature: temperature, confidence: map.confidence, accuracy: map.accuracy)
        return before.calibration?.expectedCalibrationError ?? 0
    }
}

package enum ModelKind: String, CaseIterable, Sendable {
    case linear, fasttext, gbdt

    /// Why `--init-model` takes no fasttext model, for `--help` and the error.
    package static let fastTextCannotContinue = "libfasttext cannot resume training a supervised model; train linear or gbdt to continue batch after batch"
}

package struct TrainError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// A job stopped at its deadline (`domcat tune`'s budget) before its model was whole.
package struct DeadlinePassed: Error, CustomStringConvertible {
    package var description: String { "stopped at its deadline" }
}

/// Options that contradict each other or the model continued (exit 2, as other usage errors).
package struct TrainUsageError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
