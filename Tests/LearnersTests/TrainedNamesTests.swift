import DomainKit
import Learners
import XCTest

final class TrainedNamesTests: XCTestCase {
    /// `blogspot.com` is a suffix (as in the PSL's private section): each blog under it is a site of its own.
    let suffixes = PublicSuffixList(text: "com\nco.uk\nuk\nblogspot.com\n")

    func table(_ pairs: [(String, UInt16)]) -> TrainedNames {
        TrainedNames(pairs.map { (hash: TrainedNames.hash($0.0), label: $0.1) })
    }

    func testLooksUpEveryNameAfterGrowingAndALaterLabelWins() {
        var names = table((0..<5_000).map { ("n\($0).example.com", UInt16($0 % 7)) })
        XCTAssertEqual(names.count, 5_000)
        for i in stride(from: 0, to: 5_000, by: 97) { XCTAssertEqual(names.label(of: "n\(i).example.com"), Int32(i % 7)) }
        XCTAssertNil(names.label(of: "n5000.example.com"))
        names.insert(hash: TrainedNames.hash("n3.example.com"), label: 6)
        XCTAssertEqual(names.label(of: "n3.example.com"), 6)
        XCTAssertEqual(names.count, 5_000)
        XCTAssertEqual(names.entries.map(\.hash), names.entries.map(\.hash).sorted())
    }

    func testANameUnderATrainedNameTakesItsLabelDownToTheRegistrableNameOnly() {
        let names = table([("doubleclick.net", 1), ("g.doubleclick.net", 2), ("blogspot.com", 3), ("co.uk", 4), ("com", 5)])
        XCTAssertEqual(names.match("doubleclick.net", suffixes: suffixes)?.label, 1)
        XCTAssertEqual(names.match("cm.g.doubleclick.net", suffixes: suffixes)?.label, 2, "the nearest trained parent")
        XCTAssertEqual(names.match("cm.g.doubleclick.net", suffixes: suffixes)?.matchedLength, "g.doubleclick.net".count)
        XCTAssertEqual(names.match("stats.doubleclick.net", suffixes: suffixes)?.label, 1)
        XCTAssertNil(names.match("me.blogspot.com", suffixes: suffixes), "a public suffix's label is not its sites'")
        XCTAssertNil(names.match("www.bbc.co.uk", suffixes: suffixes))
        XCTAssertNil(names.match("example.com", suffixes: suffixes))
        XCTAssertEqual(names.match("com", suffixes: suffixes)?.label, 5, "an exact match is a match")
        XCTAssertNil(names.match("xdoubleclick.net", suffixes: suffixes), "labels, not bytes")
    }

    /// Trained names answer with p = 1 and their label first; others go to the classifier, each answer at
    /// its own index whatever the order.
    func testTheClassifierAnswersTrainedNamesAndHandsTheRestOn() {
        var params = LinearParams()
        params.bucketBits = 10
        params.dimension = 4
        let learned = LinearModel(labels: ["a", "b", "c"], params: params, suffixes: suffixes)
        let classifier = TrainedNamesClassifier(learned, names: table([("b.example.com", 1)]), suffixes: suffixes)
        let domains = ["x.example.com", "b.example.com", "y.example.com", "w.b.example.com"].map { Domain(normalised: $0) }
        var answers = [[LabelScore]](repeating: [], count: domains.count)
        classifier.classifyEach(domains, k: 3, workspace: ClassifierWorkspace()) { answers[$0] = $1 }
        XCTAssertEqual(answers[1], [LabelScore(label: 1, probability: 1), LabelScore(label: 0, probability: 0), LabelScore(label: 2, probability: 0)])
        XCTAssertEqual(answers[3].first, LabelScore(label: 1, probability: 1))
        XCTAssertEqual(answers[0], learned.classify(domains[0], k: 3))
        XCTAssertEqual(answers[2], learned.classify(domains[2], k: 3))
        XCTAssertEqual(classifier.explain(domains[3], label: 1).map { "\($0.token) \($0.weight)" }, ["trained=b.example.com 1.0"])
        XCTAssertEqual(classifier.explain(domains[0], label: 0), learned.explain(domains[0], label: 0))
    }
}
