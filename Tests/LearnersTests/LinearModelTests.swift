import DomainKit
import Learners
import XCTest

final class LinearModelTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\norg\n")

    func params() -> LinearParams {
        var p = LinearParams()
        p.bucketBits = 16
        p.dimension = 16
        p.epochs = 20
        p.threads = 2
        return p
    }

    func corpus() -> ([Domain], [String]) {
        var domains: [Domain] = [], labels: [String] = []
        for i in 0..<200 {
            domains.append(Domain(normalised: "ads\(i).adserver\(i % 7).com")); labels.append("ads")
            domains.append(Domain(normalised: "shop\(i).store\(i % 5).net")); labels.append("shopping")
        }
        return (domains, labels)
    }

    func testLearnsSeparableLabels() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["ads", "shopping"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let report = Evaluation.evaluate(model, domains: domains, truth: labels)
        XCTAssertEqual(report.accuracy, 1.0, accuracy: 1e-9)
        let unseen = model.classify(Domain(normalised: "ads999.adserver3.com"), k: 2)
        XCTAssertEqual(model.labels[Int(unseen[0].label)], "ads")
        XCTAssertEqual(unseen.map(\.probability).reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertGreaterThanOrEqual(unseen[0].probability, unseen[1].probability)
    }

    /// The pipelined batch path (next name's rows prefetched) answers exactly what one-at-a-time does.
    func testClassifyEachEqualsClassify() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["ads", "shopping"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let names = domains + [Domain(normalised: "x.org"), Domain(normalised: "ads1.adserver1.com")]
        var each: [[LabelScore]] = Array(repeating: [], count: names.count)
        model.classifyEach(names, k: 2, workspace: ClassifierWorkspace()) { i, top in each[i] = top }
        XCTAssertEqual(each, names.map { model.classify($0, k: 2) })
        var none = 0
        model.classifyEach([], k: 2, workspace: ClassifierWorkspace()) { _, _ in none += 1 }
        XCTAssertEqual(none, 0)
    }

    func testIncrementalTrainingAddsALabel() {
        let (domains, labels) = corpus()
        let first = LinearModel(labels: ["ads", "shopping"], params: params(), suffixes: suffixes)
        train(first, domains, labels)
        let second = first.extended(with: ["news"])
        var newDomains = (0..<200).map { Domain(normalised: "news\($0).daily\($0 % 6).org") }
        var newLabels = [String](repeating: "news", count: 200)
        // A replay of some old examples keeps the old labels alive, as a user would.
        newDomains += domains.prefix(100); newLabels += labels.prefix(100)
        train(second, newDomains, newLabels)
        XCTAssertEqual(second.labels, ["ads", "shopping", "news"])
        let answer = second.classify(Domain(normalised: "news4242.daily2.org"))
        XCTAssertEqual(second.labels[Int(answer[0].label)], "news")
        // The earlier model is untouched by continuing from it.
        XCTAssertEqual(first.labels, ["ads", "shopping"])
    }

    func testExplainWeightsSumToOne() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["ads", "shopping"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let weights = model.explain(Domain(normalised: "ads1.adserver1.com"), label: 0)
        XCTAssertEqual(weights.map(\.weight).reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertTrue(weights.contains { $0.token == "ads1" })
    }

    /// `adserver1.com` is both the whole name and its registrable name: listed once, with what both weighed.
    func testExplainListsEachTokenOnce() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["ads", "shopping"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let weights = model.explain(Domain(normalised: "adserver1.com"), label: 0)
        XCTAssertEqual(Set(weights.map(\.token)).count, weights.count, "no token twice: \(weights.map(\.token))")
        XCTAssertEqual(weights.filter { $0.token == "adserver1.com" }.count, 1)
        XCTAssertEqual(weights.map(\.weight).reduce(0, +), 1, accuracy: 1e-4)
    }

    func testMetrics() {
        var counter = ConfusionCounter(labels: ["a", "b"])
        counter.add(truth: 0, predicted: 0)
        counter.add(truth: 0, predicted: 1)
        counter.add(truth: 1, predicted: 1)
        let r = counter.report()
        XCTAssertEqual(r.accuracy, 2.0 / 3.0, accuracy: 1e-9)
        // a: p=1 r=.5 f1=2/3; b: p=.5 r=1 f1=2/3.
        XCTAssertEqual(r.macroF1, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(r.confusedPairs.first?.truth, "a")
    }
}
