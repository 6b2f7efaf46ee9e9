import DomainKit
import Foundation
import Learners
import XCTest

/// Issue 16's `linear` defaults: whole-name n-grams, idf-weighted pooling, direct per-label scores.
final class LinearGeneralisationTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\norg\n")

    func params() -> LinearParams {
        var p = LinearParams()
        p.bucketBits = 16
        p.epochs = 20
        p.threads = 2
        return p
    }

    /// Labels told apart only by the part of the name no label n-gram sees: the suffix (`.net>` vs `.org>`).
    func corpus() -> ([Domain], [String]) {
        var domains: [Domain] = [], labels: [String] = []
        for i in 0..<150 {
            domains.append(Domain(normalised: "site\(i).net")); labels.append("net-ish")
            domains.append(Domain(normalised: "site\(i).org")); labels.append("org-ish")
        }
        return (domains, labels)
    }

    func testDefaultsAreDirectIdfAndNameNgrams() {
        let p = LinearParams()
        XCTAssertEqual(p.output, .direct)
        XCTAssertEqual(p.weighting, .idf)
        XCTAssertEqual(p.tokenizer.nameNgrams, NgramLengths(min: 2, max: 5))
        XCTAssertEqual(p.tokenizer.labelNgrams, false)
        // What the gbdt pipeline pools per token stays as before.
        let old = p.embeddingOnly
        XCTAssertNil(old.output); XCTAssertNil(old.weighting); XCTAssertNil(old.tokenizer.nameNgrams); XCTAssertNil(old.tokenizer.labelNgrams)
    }

    func testDirectIdfModelLearnsFromTheSuffixNgramsOfUnseenNames() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["net-ish", "org-ish"], params: params(), suffixes: suffixes)
        XCTAssertEqual(model.params.dimension, 2, "direct scores: one column per label")
        XCTAssertEqual(model.output.row(1)[1], 1)
        train(model, domains, labels)
        XCTAssertEqual(model.documentFrequency?.documents, 300)
        XCTAssertEqual(Evaluation.evaluate(model, domains: domains, truth: labels).accuracy, 1, accuracy: 1e-9)
        // Never-seen names: their whole name and registrable name are new, the n-grams across the dot are not.
        for (name, label) in [("other77.net", "net-ish"), ("other77.org", "org-ish")] {
            let top = model.classify(Domain(normalised: name), k: 2)
            XCTAssertEqual(model.labels[Int(top[0].label)], label, name)
            XCTAssertEqual(top.map(\.probability).reduce(0, +), 1, accuracy: 1e-4)
        }
    }

    func testIdfWeightsRareBucketsAboveCommonOnes() {
        let (domains, labels) = corpus()
        let model = LinearModel(labels: ["net-ish", "org-ish"], params: params(), suffixes: suffixes)
        train(model, domains, labels)
        let df = model.documentFrequency!
        let mask = UInt64(model.params.buckets - 1)
        // The bias is in every name: the smallest weight, 1 + ln(301/301).
        XCTAssertEqual(df.idf[Int(Tokenizer.biasHash & mask)], 1, accuracy: 1e-5)
        // A whole name is in one name of 300: 1 + ln(301/2).
        var hashes: [UInt64] = []
        model.tokenizer.featureHashes(Domain(normalised: "site1.net"), into: &hashes)
        XCTAssertEqual(df.idf[Int(hashes[1] & mask)], 1 + log(301 / 2), accuracy: 1e-3)
    }

    /// New labels widen the direct table; what the model knew is kept and the idf counts add up.
    func testContinuingADirectModelWithANewLabel() {
        let (domains, labels) = corpus()
        let first = LinearModel(labels: ["net-ish", "org-ish"], params: params(), suffixes: suffixes)
        train(first, domains, labels)
        let second = first.extended(with: ["com-ish"])
        XCTAssertEqual(second.params.dimension, 3)
        XCTAssertEqual(second.output.rows, 3)
        var more = (0..<150).map { Domain(normalised: "site\($0).com") }
        var moreLabels = [String](repeating: "com-ish", count: 150)
        more += domains.prefix(100); moreLabels += labels.prefix(100)
        train(second, more, moreLabels)
        XCTAssertEqual(second.documentFrequency?.documents, 550)
        XCTAssertEqual(first.documentFrequency?.documents, 300, "the earlier model is untouched")
        for (name, label) in [("fresh9.com", "com-ish"), ("fresh9.net", "net-ish"), ("fresh9.org", "org-ish")] {
            XCTAssertEqual(second.labels[Int(second.classify(Domain(normalised: name))[0].label)], label, name)
        }
    }

    /// Parameters written before issue 16 (no weighting, output, labelNgrams, nameNgrams) decode to that model.
    func testOldParametersDecodeToTheOldModel() throws {
        let json = """
        {"dimension":16,"bucketBits":12,"epochs":15,"learningRate":1,"threads":2,"seed":1,
         "tokenizer":{"minn":3,"maxn":6,"ignoresLeadingWWW":true}}
        """
        let p = try JSONDecoder().decode(LinearParams.self, from: Data(json.utf8))
        XCTAssertNil(p.output); XCTAssertNil(p.weighting)
        XCTAssertFalse(p.isDirect)
        XCTAssertNil(p.tokenizer.nameNgrams); XCTAssertNil(p.tokenizer.labelNgrams)
        let model = LinearModel(labels: ["a", "b"], params: p, suffixes: suffixes)
        XCTAssertEqual(model.params.dimension, 16)
        XCTAssertNil(model.documentFrequency)
        // The old tokenizer: bias, name, registrable, suffix, label and its 3…6-grams of "<example>" (9 chars).
        var hashes: [UInt64] = []
        model.tokenizer.featureHashes(Domain(normalised: "example.com"), into: &hashes)
        XCTAssertEqual(hashes.count, 4 + 1 + (7 + 6 + 5 + 4))
    }
}
