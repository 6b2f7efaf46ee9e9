import Corpora
import DomainKit
import Foundation
import Learners
import ModelStore
import Training

/// When `retrain` trains a candidate and when it promotes one.
package struct RetrainPolicy: Sendable {
    /// New examples, as a share of those production (and the versions it continued) was trained on.
    package var growth = 0.10
    /// Macro-F1 the candidate must gain over production on the held-out names, and McNemar's p below this.
    package var minimumGain = 0.005
    package var significance = 0.05
    /// Train on every file instead of continuing production on the new ones (also when production's kind
    /// cannot be continued).
    package var fromScratch = false
    package init() {}
}

/// One retraining cycle: new labelled files in `incoming` since production's corpus → when they are enough,
/// a candidate (production continued on them, or trained afresh) → registered (a minor version) → compared
/// with production on the test part (the split rule) of every file, old and new, which neither trained on →
/// promoted if better by the policy's margin and significantly so, else archived. Every cycle is a row of
/// `retrain_runs`; production changes only by the final promote, so a failed or killed run leaves it as it was.
package final class Retrainer {
    package let registry: ModelRegistry
    package let incoming: String
    package let suffixes: PublicSuffixList
    package var policy = RetrainPolicy()
    package var threads = 2
    package var log: (String) -> Void = { _ in }

    package init(registry: ModelRegistry, incoming: String, suffixes: PublicSuffixList) {
        self.registry = registry
        self.incoming = incoming
        self.suffixes = suffixes
    }

    package func runOnce() throws -> ModelRegistry.RetrainRun {
        let start = Date()
        var run = ModelRegistry.RetrainRun(id: try registry.startRetrainRun(), startedAt: ISO8601DateFormatter().string(from: start),
                                           newFiles: [], newExamples: 0, baseExamples: 0, decision: "running")
        let work = registry.directory + "/work/run-\(run.id)"
        defer { try? FileManager.default.removeItem(atPath: work) }
        do {
            run.comparison = try cycle(&run, work: work)
        } catch {
            run.decision = "failed"
            run.reason = "\(error)"
        }
        run.seconds = Date().timeIntervalSince(start)
        try registry.finishRetrainRun(run)
        log("run \(run.id): \(run.decision)\(run.reason.map { " — " + $0 } ?? "")")
        return run
    }

    private func cycle(_ run: inout ModelRegistry.RetrainRun, work: String) throws -> ModelComparison? {
        guard let production = try registry.production() else { throw RegistryError("nothing is in production: add and promote a first model") }
        run.production = production.version.description
        let lineage = try registry.lineage(of: production)
        let used = try registry.corpusDigests(of: lineage.map(\.version.description))
        let files = try incomingFiles()
        let fresh = files.filter { !used.contains($0.file.digest) }
        run.newFiles = fresh.map(\.file.path)
        run.newExamples = fresh.reduce(0) { $0 + $1.file.examples }
        run.baseExamples = try lineage.reduce(0) { $0 + (try $1.header().trainingExamples) }
        let growth = Double(run.newExamples) / Double(max(run.baseExamples, 1))
        guard growth >= policy.growth, !fresh.isEmpty else {
            run.decision = "waiting"
            run.reason = String(format: "%d new examples, %.1f%% of production's %d; %.1f%% start a candidate", run.newExamples,
                                100 * growth, run.baseExamples, 100 * policy.growth)
            return nil
        }
        if let last = try registry.retrainRuns(limit: 100).first(where: { $0.decision == "archived" && $0.production == run.production }),
           Set(last.newFiles) == Set(run.newFiles) {
            run.decision = "waiting"
            run.reason = "run \(last.id)'s candidate was trained on these files and was not better: waiting for more"
            return nil
        }

        let continuing = !policy.fromScratch && production.kind != ModelKind.fasttext.rawValue
        let trainFiles = continuing ? fresh : files
        var job = try trainingJob(production: production, continuing: continuing, trainFiles: trainFiles, allFiles: files, work: work)
        job.log = { [log] in log("train: " + $0) }
        log("run \(run.id): \(run.newExamples) new examples in \(fresh.count) file(s) (\(String(format: "%.1f", 100 * growth))% of \(run.baseExamples)); training a candidate \(continuing ? "from \(production.version)" : "from scratch")")
        _ = try job.run()
        let candidate = try registry.add(path: job.outputPath, bump: .minor, notes: "retrain run \(run.id)", suffixes: suffixes)
        run.candidate = candidate.version.description
        try registry.recordCorpusFiles(trainFiles.map(\.file), version: candidate.version.description)

        let test = files.reduce(into: LabelledCorpus()) { whole, f in
            let part = parts(of: f.corpus)[.test]!
            whole.domains += part.domains
            whole.labels += part.labels
        }
        guard test.count > 0 else { throw RegistryError("no test names: the files' test parts (the split rule) are empty") }
        let a = try registry.load(production.version.description, suffixes: suffixes)
        let b = try registry.load(candidate.version.description, suffixes: suffixes)
        let comparison = ModelComparison(a: (production.version.description, a.classifier), b: (candidate.version.description, b.classifier),
                                         domains: test.domains, truth: test.labels, threads: threads)
        let gain = comparison.macroF1Difference
        if gain >= policy.minimumGain, comparison.mcNemarP < policy.significance, comparison.onlyB > comparison.onlyA {
            try registry.promote(candidate.version.description)
            run.decision = "promoted"
        } else {
            try registry.archive(candidate.version.description)
            run.decision = "archived"
        }
        run.reason = String(format: "macro-F1 %+.4f (%.4f → %.4f; %.4f needed), McNemar p %.3g (%.2f needed) on %d test names",
                            gain, comparison.a.macroF1, comparison.b.macroF1, policy.minimumGain, comparison.mcNemarP, policy.significance, test.count)
        return comparison
    }

    /// The job: production continued on the new files' train parts, or its kind and settings trained on
    /// every file's; calibrated on every file's valid part.
    private func trainingJob(production: RegisteredModel, continuing: Bool, trainFiles: [IncomingFile], allFiles: [IncomingFile],
                             work: String) throws -> TrainJob {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var trainPaths: [String] = []
        for (i, file) in trainFiles.enumerated() {
            let path = work + "/train-\(i).tsv"
            try write(parts(of: file.corpus)[.train]!, to: path)
            trainPaths.append(path)
        }
        var job = TrainJob(corpusPaths: trainPaths, outputPath: work + "/candidate.dcm", suffixes: suffixes)
        job.name = production.name
        if let params = try? JSONValue.decode(LinearParams.self, from: production.header().parameters) {
            job.linear.epochs = params.epochs
            job.linear.learningRate = params.learningRate
            if !continuing { job.linear = params }
        }
        job.linear.threads = threads
        if continuing {
            job.initModelPath = registry.directory + "/" + production.file
        } else {
            job.kind = ModelKind(rawValue: production.kind)
        }
        let valid = allFiles.reduce(into: LabelledCorpus()) { whole, f in
            let part = parts(of: f.corpus)[.valid]!
            whole.domains += part.domains
            whole.labels += part.labels
        }
        if valid.count > 0 {
            job.validPath = work + "/valid.tsv"
            try write(valid, to: job.validPath!)
        }
        return job
    }

    struct IncomingFile {
        var file: ModelRegistry.CorpusFile
        var corpus: LabelledCorpus
    }

    /// Every labelled file of the incoming folder (`.tsv`, `.tsv.zst`), in name order.
    func incomingFiles() throws -> [IncomingFile] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: incoming) } catch {
            throw RegistryError("cannot read the incoming folder \(incoming): \(error.localizedDescription)")
        }
        return try names.filter { $0.hasSuffix(".tsv") || $0.hasSuffix(".tsv.zst") }.sorted().map { name in
            let path = incoming + "/" + name
            let corpus = try LabelledCorpus.read(paths: [path])
            try corpus.requireExamples([path])
            return IncomingFile(file: .init(path: path, digest: CorpusDigest(corpus).value, examples: corpus.count), corpus: corpus)
        }
    }

    func parts(of corpus: LabelledCorpus) -> [CorpusSplit.Part: LabelledCorpus] {
        var parts = Dictionary(uniqueKeysWithValues: CorpusSplit.Part.allCases.map { ($0, LabelledCorpus()) })
        for (domain, label) in zip(corpus.domains, corpus.labels) {
            let part = CorpusSplit.part(of: domain, suffixes: suffixes)
            parts[part]!.domains.append(domain)
            parts[part]!.labels.append(label)
        }
        return parts
    }

    func write(_ corpus: LabelledCorpus, to path: String) throws {
        var text = ""
        for (domain, label) in zip(corpus.domains, corpus.labels) { text += domain.name + "\t" + label + "\n" }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw RegistryError("cannot write \(path)") }
    }
}
