import DomainKit
import Features

/// The `gbdt` kind: the featurizer's few numbers per name → gradient-boosted trees → softmax.
package final class GBDTClassifier: DomainClassifier, @unchecked Sendable {
    package let labels: [String]
    /// Fitted on validation names so that p means what it says; set once, when the model is made or loaded.
    package var calibration = Calibration()
    package let featurizer: Featurizer
    package let model: GBDTModel
    package let params: GBDTPipelineParams

    package init(labels: [String], featurizer: Featurizer, model: GBDTModel, params: GBDTPipelineParams) {
        precondition(model.numFeatures == featurizer.width, "GBDTClassifier: trees see \(model.numFeatures) features, featurizer gives \(featurizer.width)")
        precondition(model.numClasses == labels.count, "GBDTClassifier: \(model.numClasses) classes for \(labels.count) labels")
        self.labels = labels
        self.featurizer = featurizer
        self.model = model
        self.params = params
    }

    /// Workspace layout in `vector`: featurizer scratch, then the feature row.
    package func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        let scratchCount = featurizer.scratchCount, width = featurizer.width
        if workspace.vector.count < scratchCount + width { workspace.vector = [Float](repeating: 0, count: scratchCount + width) }
        if workspace.scores.count != labels.count { workspace.scores = [Float](repeating: 0, count: labels.count) }
        var name = domain.name
        name.withUTF8 { bytes in
            workspace.vector.withUnsafeMutableBufferPointer { v in
                let row = v.baseAddress! + scratchCount
                featurizer.features(bytes, hashes: &workspace.hashes, scratch: v.baseAddress!, into: row)
                workspace.scores.withUnsafeMutableBufferPointer { p in
                    model.predictProbabilities(row, into: p.baseAddress!, temperature: calibration.temperature)
                    Softmax.topK(UnsafeBufferPointer(p), k: k, into: &top)
                    calibration.adjust(&top)
                }
            }
        }
    }

    /// Names this many at a time through the trees: a batch's rows and scores stay in the L1 cache while each
    /// tree is walked for all of them.
    static let batchSize = 64

    /// As `classify` for each name, the trees evaluated over batches of names (`Forest.accumulate(rows:…)`).
    package func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        let scratchCount = featurizer.scratchCount, width = featurizer.width, classes = labels.count
        if workspace.vector.count < scratchCount { workspace.vector = [Float](repeating: 0, count: scratchCount) }
        if workspace.batchRows.count != Self.batchSize * width { workspace.batchRows = [Float](repeating: 0, count: Self.batchSize * width) }
        if workspace.batchScores.count != Self.batchSize * classes { workspace.batchScores = [Float](repeating: 0, count: Self.batchSize * classes) }
        var top: [LabelScore] = []
        for start in stride(from: 0, to: domains.count, by: Self.batchSize) {
            let count = min(Self.batchSize, domains.count - start)
            workspace.vector.withUnsafeMutableBufferPointer { scratch in
                workspace.batchRows.withUnsafeMutableBufferPointer { rows in
                    for r in 0..<count {
                        var name = domains[start + r].name
                        name.withUTF8 { featurizer.features($0, hashes: &workspace.hashes, scratch: scratch.baseAddress!, into: rows.baseAddress! + r * width) }
                    }
                }
            }
            workspace.batchRows.withUnsafeBufferPointer { rows in
                workspace.batchScores.withUnsafeMutableBufferPointer { scores in
                    model.predictRaw(rows: rows.baseAddress!, count: count, into: scores.baseAddress!)
                }
            }
            for r in 0..<count {
                workspace.batchScores.withUnsafeMutableBufferPointer { scores in
                    let p = UnsafeMutableBufferPointer(rebasing: scores[r * classes..<(r + 1) * classes])
                    Softmax.normalise(p, temperature: calibration.temperature)
                    Softmax.topK(UnsafeBufferPointer(p), k: k, into: &top)
                    calibration.adjust(&top)
                }
                answer(start + r, top)
            }
        }
    }

    /// Inverse-frequency pooling: its weights, the same for every label. `features` (or `learned`) pooling through a
    /// label read-out: each token's pull toward `label` (its rows, dotted with the label's output row),
    /// as `linear` explains — equal pooling weights would say nothing.
    package func explain(_ domain: Domain, label: Int32) -> [TokenWeight] {
        let pooling = featurizer.pooling
        guard pooling.weighting != .inverseFrequency, let readout = featurizer.readout, Int(label) < readout.outputDimension else {
            return normalisedWeights(pooling.weights(domain).map { ($0.token, $0.weight) })
        }
        let d = pooling.dimension
        let output = readout.components[Int(label) * d..<(Int(label) + 1) * d]
        var vector = [Float](repeating: 0, count: d)
        var hashes: [UInt64] = []
        var scored: [(String, Float)] = []
        for (kind, text) in pooling.tokenizer.words(domain) {
            hashes.removeAll(keepingCapacity: true)
            var bytes = text
            bytes.withUTF8 { token in
                pooling.tokenizer.tokenHashes(kind, token, into: &hashes)
                hashes.withUnsafeBufferPointer { h in vector.withUnsafeMutableBufferPointer { pooling.embedding.tokenVector(token, hashes: h, into: $0.baseAddress!) } }
            }
            scored.append((text, pooling.weight(kind, hashes) * zip(vector, output).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        return normalisedWeights(scored)
    }

    /// One feature row per domain (row-major), on `threads` threads.
    package static func featureRows(_ featurizer: Featurizer, domains: [Domain], threads: Int) -> [Float] {
        let width = featurizer.width
        var rows = [Float](repeating: 0, count: domains.count * width)
        let parts = max(1, min(threads, domains.count / 512 + 1))
        rows.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var hashes: [UInt64] = []
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: featurizer.scratchCount)
                defer { scratch.deallocate() }
                for i in part * domains.count / parts..<(part + 1) * domains.count / parts {
                    var name = domains[i].name
                    name.withUTF8 { featurizer.features($0, hashes: &hashes, scratch: scratch, into: base + i * width) }
                }
            }
        }
        return rows
    }
}

import Dispatch
