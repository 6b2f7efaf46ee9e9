import DomainKit
import Foundation
import Learners
import XCTest

/// `--loss svm`: one-vs-rest squared-hinge SVMs solved in the dual, checked against the primal's own
/// optimality condition with the name vectors rebuilt here from the tokenizer and the idf counts.
final class SVMTrainerTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\norg\n")

    func params(cost: Float = 1) -> LinearParams {
        var p = LinearParams()
        p.bucketBits = 14
        p.threads = 2
        p.cost = cost
        return p
    }

    /// Three labels told apart by a word in the name, with a tenth of the labels flipped: some names sit
    /// inside the margin, so the solution is not just "every margin 1".
    func corpus() -> ([Domain], [String]) {
        var domains: [Domain] = [], labels: [String] = []
        let words = ["shop", "news", "game"]
        for i in 0..<240 {
            let l = i % 3
            domains.append(Domain(normalised: "\(words[l])\(i)x.example\(i % 11).com"))
            labels.append(["shop", "news", "game"][i % 10 == 0 ? (l + 1) % 3 : l])
        }
        return (domains, labels)
    }

    func testDefaultsAreSVMsWithTheBiasOutsideThePool() {
        let p = LinearParams()
        XCTAssertEqual(p.loss, .svm)
        XCTAssertEqual(p.cost, 1)
        XCTAssertTrue(p.trainsSVMs && p.biasOutsidePool)
        var embedding = p
        embedding.output = .embedding
        XCTAssertFalse(embedding.trainsSVMs, "an embedding's rows are not a label's weights: softmax trains them")
        XCTAssertNil(p.embeddingOnly.loss)
        XCTAssertNil(p.embeddingOnly.separateBias)
    }

    /// The vector classify pools for a name, rebuilt from the tokenizer and the idf weights: the n-grams'
    /// idf-weighted counts over their L2 norm, then the bias bucket with weight 1.
    func vector(_ domain: Domain, _ model: LinearModel) -> [Int: Float] {
        var hashes: [UInt64] = []
        model.tokenizer.featureHashes(domain, into: &hashes)
        let mask = UInt64(model.params.buckets - 1), idf = model.documentFrequency!.idf
        var x: [Int: Float] = [:], norm: Float = 0
        for h in hashes.dropFirst() {
            let b = Int(h & mask)
            x[b, default: 0] += idf[b]
            norm += idf[b] * idf[b]
        }
        for b in x.keys { x[b]! /= norm.squareRoot() }
        x[Int(hashes[0] & mask), default: 0] += 1
        return x
    }

    /// At the optimum of ½‖w‖² + C Σ max(0, 1 − y w·x)², the gradient w − 2C Σ max(0, 1 − y w·x) y x is zero.
    func testEachColumnMeetsThePrimalOptimalityCondition() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["shop", "news", "game"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let vectors = domains.map { vector($0, model) }
        let logits = Evaluation.logProbabilities(model, domains: domains, threads: 1)
        for label in 0..<3 {
            var w: [Int: Float] = [:]
            for x in vectors { for b in x.keys { w[b] = model.input.row(b)[label] } }
            var gradient = w, atZero: [Int: Float] = [:]
            var insideMargin = 0
            for (i, x) in vectors.enumerated() {
                let y: Float = labels[i] == model.labels[label] ? 1 : -1
                let score = x.reduce(Float(0)) { $0 + $1.value * w[$1.key]! }
                let slack = max(0, 1 - y * score)
                if slack > 0.05 { insideMargin += 1 }
                for (b, v) in x {
                    gradient[b]! -= 2 * model.params.cost! * slack * y * v
                    atZero[b, default: 0] -= 2 * model.params.cost! * y * v
                }
                // The model's own scores are these decision values (differences of its log-probabilities at T = 1).
                if label == 1 {
                    let other = x.reduce(Float(0)) { $0 + $1.value * model.input.row($1.key)[0] }
                    XCTAssertEqual(logits[i * 3 + 1] - logits[i * 3], score - other, accuracy: 1e-3)
                }
            }
            // The solver stops at a tolerance, so the gradient is small against where it started, not zero.
            let start = atZero.values.map(abs).max()!
            let worst = gradient.values.map(abs).max()!
            XCTAssertGreaterThan(insideMargin, 10, "the flipped labels sit inside the margin")
            XCTAssertLessThan(worst, 0.01 * start, "label \(label): gradient \(worst), \(start) at w = 0")
        }
    }

    /// A larger C fits the training names closer: fewer of them inside the margin.
    func testCostTradesMarginForFit() {
        let (domains, labels) = corpus()
        func trainingAccuracy(_ cost: Float) -> Double {
            let model = LinearModel(labels: ["shop", "news", "game"], params: params(cost: cost), suffixes: suffixes)
            train(model, domains, labels)
            return Evaluation.evaluate(model, domains: domains, truth: labels).accuracy
        }
        XCTAssertLessThan(trainingAccuracy(0.05), trainingAccuracy(20))
        XCTAssertEqual(trainingAccuracy(20), 1, accuracy: 1e-9, "with little regularisation the noise is learnt by heart")
    }

    /// Continuing is regularised toward the earlier weights: a batch of one label alone leaves the other
    /// labels standing, where SVMs of that batch from zero would answer its label for everything.
    func testContinuationKeepsTheEarlierWeights() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["shop", "news", "game"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let before = Evaluation.evaluate(model, domains: domains, truth: labels).accuracy
        let batch = (0..<40).map { Domain(normalised: "shop\($0)new.store\($0 % 3).net") }
        train(model, batch, batch.map { _ in "shop" })
        let after = Evaluation.evaluate(model, domains: domains, truth: labels).accuracy
        XCTAssertGreaterThan(after, before - 0.05, "the earlier names keep their answers")
        XCTAssertEqual(model.labels[Int(model.classify(Domain(normalised: "shop99new.store7.net"), k: 1)[0].label)], "shop")

        let fresh = LinearModel(labels: ["shop", "news", "game"], params: params(), suffixes: suffixes)
        train(fresh, batch, batch.map { _ in "shop" })
        XCTAssertLessThan(Evaluation.evaluate(fresh, domains: domains, truth: labels).accuracy, 0.5)
    }

    func testTheSameSeedGivesTheSameTable() {
        let (domains, labels) = corpus()
        let a = LinearModel(labels: ["shop", "news", "game"], params: params(), suffixes: suffixes)
        let b = LinearModel(labels: ["shop", "news", "game"], params: params(), suffixes: suffixes)
        train(a, domains, labels)
        train(b, domains, labels)
        XCTAssertEqual(Array(a.input.storage), Array(b.input.storage))
    }
}
