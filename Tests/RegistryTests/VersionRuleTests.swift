import ModelStore
import Registry
import XCTest

final class VersionRuleTests: XCTestCase {
    func header(kind: String = "linear", bucketBits: Double = 20, epochs: Double = 15, corpus: String = "c1", parent: String? = nil,
                labels: [String] = ["a", "b"]) -> ModelHeader {
        ModelHeader(kind: kind, labels: labels, parameters: ["bucketBits": .number(bucketBits), "epochs": .number(epochs)],
                    corpusDigest: corpus, trainingExamples: 10, parent: parent)
    }

    func testMajorMinorPatchFollowTheLineage() {
        let base = header()
        XCTAssertEqual(VersionRule.bump(header(kind: "gbdt"), after: base, baseDigest: "d0"), .major, "another kind")
        XCTAssertEqual(VersionRule.bump(header(bucketBits: 21), after: base, baseDigest: "d0"), .major, "another feature space")
        XCTAssertEqual(VersionRule.bump(header(corpus: "c2", parent: "d0"), after: base, baseDigest: "d0"), .minor, "continued")
        XCTAssertEqual(VersionRule.bump(header(corpus: "c2"), after: base, baseDigest: "d0"), .minor, "another corpus")
        XCTAssertEqual(VersionRule.bump(header(labels: ["a", "b", "c"]), after: base, baseDigest: "d0"), .minor, "a new label")
        XCTAssertEqual(VersionRule.bump(header(epochs: 25), after: base, baseDigest: "d0"), .patch, "settings only")
    }

    func testVersionsOrderNumericallyAndBump() {
        XCTAssertLessThan(SemanticVersion("1.9.0")!, SemanticVersion("1.10.0")!)
        XCTAssertEqual(SemanticVersion("1.2.3")!.bumped(.minor).description, "1.3.0")
        XCTAssertEqual(SemanticVersion("1.2.3")!.bumped(.major).description, "2.0.0")
        for bad in ["1.2", "1.2.3.4", "a.b.c", "-1.0.0", "1..0", "01.2.3x", ""] { XCTAssertNil(SemanticVersion(bad), bad) }
    }
}
