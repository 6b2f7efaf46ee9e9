import DomainKit

/// One label and its probability.
public struct LabelScore: Sendable, Equatable {
    public var label: Int32
    public var probability: Float
    public init(label: Int32, probability: Float) { self.label = label; self.probability = probability }
}

/// How much one token weighed in a prediction; the weights of one explanation sum to 1.
public struct TokenWeight: Sendable, Equatable {
    public var token: String
    public var weight: Float
}

/// Per-thread scratch memory, so classifying allocates nothing per name.
public final class ClassifierWorkspace {
    public var hashes: [UInt64] = []
    /// The next name's hashes, while this one's rows are summed (`classifyEach`).
    public var nextHashes: [UInt64] = []
    public var vector: [Float] = []
    public var scores: [Float] = []
    public var labelIndices: [Int32] = []
    public var text: [UInt8] = []
    public init() {}
}

/// Every model kind answers the same question the same way; streaming, caching and serving depend only on this.
public protocol DomainClassifier: AnyObject, Sendable {
    var labels: [String] { get }
    /// Fills `top` with up to `k` labels, most probable first.
    func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore])
    /// Classifies `domains` in order, handing each answer to `answer` (valid only during the call). A kind
    /// may overlap one name's memory reads with the next one's work; the answers equal `classify`'s.
    func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void)
    /// The tokens that drove the prediction for `label`, heaviest first.
    func explain(_ domain: Domain, label: Int32) -> [TokenWeight]
}

extension DomainClassifier {
    public func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        var top: [LabelScore] = []
        for (i, domain) in domains.enumerated() {
            classify(domain, k: k, workspace: workspace, into: &top)
            answer(i, top)
        }
    }

    public func classify(_ domain: Domain, k: Int = 1) -> [LabelScore] {
        var top: [LabelScore] = []
        classify(domain, k: k, workspace: ClassifierWorkspace(), into: &top)
        return top
    }
}

/// In-place softmax and top-k over raw scores, shared by every kind.
enum Softmax {
    @inline(__always)
    static func normalise(_ scores: UnsafeMutableBufferPointer<Float>) {
        var maxScore = -Float.infinity
        for s in scores where s > maxScore { maxScore = s }
        var sum: Float = 0
        for i in scores.indices {
            let e = expf(scores[i] - maxScore)
            scores[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in scores.indices { scores[i] *= inv }
    }

    @inline(__always)
    static func topK(_ p: UnsafeBufferPointer<Float>, k: Int, into top: inout [LabelScore]) {
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
