import DomainKit
import FastTextKit

/// Any fastText supervised model as a domcat classifier. A model domcat trained reads domcat's word
/// tokens; a foreign `.bin` reads the normalised name as one whitespace token, exactly what
/// `fasttext predict` sees for that line, unless it was trained on domcat's tokens (`--tokenize`).
package final class FastTextClassifier: DomainClassifier, @unchecked Sendable {
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
        if workspace.labelIndices.count < k {
            workspace.labelIndices = [Int32](repeating: 0, count: k)
            workspace.scores = [Float](repeating: 0, count: k)
        }
        let found = workspace.text.withUnsafeBufferPointer { text in
            workspace.labelIndices.withUnsafeMutableBufferPointer { indices in
                workspace.scores.withUnsafeMutableBufferPointer { p in
                    model.predict(utf8: text, k: k, labelIndices: indices, probabilities: p)
                }
            }
        }
        top.removeAll(keepingCapacity: true)
        for i in 0..<found { top.append(LabelScore(label: workspace.labelIndices[i], probability: workspace.scores[i])) }
        // fastText answers nothing for a line with no known token: say "most likely: first label, p 0".
        if top.isEmpty { top.append(LabelScore(label: 0, probability: 0)) }
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
