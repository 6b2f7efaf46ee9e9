import DomainKit
import FastTextKit
import Foundation

/// Any fastText supervised model as a domcat classifier. A model domcat trained reads domcat's word
/// tokens; a foreign `.bin` reads the normalised name as one whitespace token, exactly what
/// `fasttext predict` sees for that line, unless it was trained on domcat's tokens (`--tokenize`).
package final class FastTextClassifier: DomainClassifier, @unchecked Sendable {
    /// The temperature is applied to libfasttext's probabilities as softmax(log p / T): the same calibration
    /// as the other kinds.
    package var calibration = Calibration()
    package enum Input: String, Codable, Sendable {
        /// The name itself, as `fasttext predict` reads a line.
        case name
        /// domcat's word tokens joined by spaces (`domcat tokens`).
        case tokens
    }

    package let model: FastTextModel
    package let input: Input
    package let tokenizer: Tokenizer
    package var labels: [String] { model.labels }

    package init(model: FastTextModel, input: Input, tokenizer: Tokenizer) {
        self.model = model
        self.input = input
        self.tokenizer = tokenizer
    }

    /// The text line fastText sees for a domain.
    package func line(for domain: Domain, into text: inout [UInt8]) {
        text.removeAll(keepingCapacity: true)
        switch input {
        case .name:
            text.append(contentsOf: domain.name.utf8)
        case .tokens:
            var name = domain.name
            name.withUTF8 { bytes in
                tokenizer.forEachToken(bytes) { _, range in
                    if !text.isEmpty { text.append(0x20) }
                    text.append(contentsOf: bytes[range])
                }
            }
        }
    }

    package func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        line(for: domain, into: &workspace.text)
        let k = max(1, min(k, labels.count))
        // A temperature renormalises over every label, so it needs them all.
        let temperature = calibration.temperature
        let wanted = temperature == 1 ? k : labels.count
        if workspace.labelIndices.count < wanted {
            workspace.labelIndices = [Int32](repeating: 0, count: wanted)
            workspace.scores = [Float](repeating: 0, count: wanted)
        }
        let found = workspace.text.withUnsafeBufferPointer { text in
            workspace.labelIndices.withUnsafeMutableBufferPointer { indices in
                workspace.scores.withUnsafeMutableBufferPointer { p in
                    model.predict(utf8: text, k: wanted, labelIndices: indices, probabilities: p)
                }
            }
        }
        top.removeAll(keepingCapacity: true)
        var scale: Float = 1, inverse: Float = 1
        if temperature != 1 {
            inverse = 1 / temperature
            var sum: Float = 0
            for i in 0..<found { sum += powf(max(workspace.scores[i], .leastNormalMagnitude), inverse) }
            scale = sum > 0 ? 1 / sum : 1
        }
        for i in 0..<min(found, k) {
            let p = temperature == 1 ? workspace.scores[i] : powf(max(workspace.scores[i], .leastNormalMagnitude), inverse) * scale
            top.append(LabelScore(label: workspace.labelIndices[i], probability: p))
        }
        // fastText answers nothing for a line with no known token: say "most likely: first label, p 0".
        if top.isEmpty { top.append(LabelScore(label: 0, probability: 0)) }
        calibration.adjust(&top)
    }

    /// Leave-one-out: how much the label's probability drops without each token, normalised to sum to 1.
    package func explain(_ domain: Domain, label: Int32) -> [TokenWeight] {
        var text: [UInt8] = []
        line(for: domain, into: &text)
        let tokens = text.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
        let name = labels[Int(label)]
        func probability(_ line: String) -> Float {
            model.predict(line, k: labels.count).first { $0.label == name }?.probability ?? 0
        }
        let full = probability(tokens.joined(separator: " "))
        var scored: [(String, Float)] = []
        for (i, token) in tokens.enumerated() {
            var rest = tokens
            rest.remove(at: i)
            scored.append((token, max(0, full - probability(rest.joined(separator: " ")))))
        }
        return normalisedWeights(scored)
    }
}
