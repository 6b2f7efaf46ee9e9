import DomainKit
import Features

/// One label and its probability.
package struct LabelScore: Sendable, Equatable {
    package var label: Int32
    package var probability: Float
    package init(label: Int32, probability: Float) { self.label = label; self.probability = probability }
}

/// How much one token weighed in a prediction; the weights of one explanation sum to 1.
package struct TokenWeight: Sendable, Equatable {
    package var token: String
    package var weight: Float
}

/// Per-thread scratch memory, so classifying allocates nothing per name.
package final class ClassifierWorkspace {
    package var hashes: [UInt64] = []
    /// The next name's hashes, while this one's rows are summed (`classifyEach`).
    package var nextHashes: [UInt64] = []
    package var vector: [Float] = []
    package var scores: [Float] = []
    /// A batch's feature rows and scores, for kinds that evaluate names together (`GBDTClassifier.classifyEach`).
    package var batchRows: [Float] = []
    package var batchScores: [Float] = []
    package var labelIndices: [Int32] = []
    package var text: [UInt8] = []
    package init() {}
}

/// Every model kind answers the same question the same way; streaming, caching and serving depend only on this.
package protocol DomainClassifier: AnyObject, Sendable {
    var labels: [String] { get }
    /// How the answers' probabilities are calibrated (identity: as trained).
    var calibration: Calibration { get set }
    /// Fills `top` with up to `k` labels, most probable first.
    func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore])
    /// Classifies `domains`, handing each answer to `answer` with the name's index (the answer is valid only
    /// during the call; the order is the kind's). A kind may overlap one name's memory reads with the next
    /// one's work; the answers equal `classify`'s.
    func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void)
    /// The tokens that drove the prediction for `label`, heaviest first.
    func explain(_ domain: Domain, label: Int32) -> [TokenWeight]
}

extension DomainClassifier {
    package func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        var top: [LabelScore] = []
        for (i, domain) in domains.enumerated() {
            classify(domain, k: k, workspace: workspace, into: &top)
            answer(i, top)
        }
    }

    package func classify(_ domain: Domain, k: Int = 1) -> [LabelScore] {
        var top: [LabelScore] = []
        classify(domain, k: k, workspace: ClassifierWorkspace(), into: &top)
        return top
    }
}

/// Top-k over probabilities, shared by every kind.
extension Softmax {
    @inline(__always)
    package static func topK(_ p: UnsafeBufferPointer<Float>, k: Int, into top: inout [LabelScore]) {
        top.removeAll(keepingCapacity: true)
        let k = min(k, p.count)
        for (i, v) in p.enumerated() {
            if top.count < k {
                top.append(LabelScore(label: Int32(i), probability: v))
                var j = top.count - 1
                while j > 0, top[j - 1].probability < top[j].probability { top.swapAt(j, j - 1); j -= 1 }
            } else if let last = top.last, v > last.probability {
                top[top.count - 1] = LabelScore(label: Int32(i), probability: v)
                var j = top.count - 1
                while j > 0, top[j - 1].probability < top[j].probability { top.swapAt(j, j - 1); j -= 1 }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
