import Foundation
import XCTest

/// A model keeps the names it was trained on: such a name, or one under it, is answered with its training
/// label at p 1 (`--explain` names it); `--no-trained-names` leaves it to the classifier; a continued model
/// keeps the earlier names and adds the new ones.
final class TrainedNamesCLITests: CLITestCase {
    func train(_ corpus: String, _ extra: [String] = [], out: String) throws {
        // One softmax epoch: a model too weak to learn the noise labels by heart (an SVM would).
        let r = try domcat(["train", corpus, "--out", out, "--bucket-bits", "12", "--dim", "8", "--loss", "softmax", "--epochs", "1", "--threads", "1"] + extra)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func answers(_ model: String, _ names: [String], _ extra: [String] = []) throws -> [[String]] {
        let r = try domcat(["classify", model, "--quiet", "--min-p", "0"] + extra, stdin: Data(names.map { $0 + "\n" }.joined().utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        return lines(r.stdout).map(columns)
    }

    func testTrainedNamesAnswerAsTrainedAndContinuationKeepsThem() throws {
        // The label of each name is noise, so the classifier alone cannot give them back.
        var rows: [String] = []
        for i in 0..<120 { rows.append("host\(i).example\(i % 5).com\t\(["a", "b", "c"][(i * 7) % 3])") }
        let corpus = write("noise.tsv", rows.joined(separator: "\n") + "\n")
        let model = directory + "/m.dcm", bare = directory + "/bare.dcm"
        try train(corpus, out: model)
        try train(corpus, ["--no-trained-names"], out: bare)

        let names = (0..<120).map { "host\($0).example\($0 % 5).com" }
        let got = try answers(model, names)
        XCTAssertEqual(got.map { $0[1] }, (0..<120).map { ["a", "b", "c"][($0 * 7) % 3] })
        XCTAssertTrue(got.allSatisfy { $0[2] == "1.0000" })
        XCTAssertNotEqual(try answers(bare, names).map { $0[1] }, got.map { $0[1] }, "the classifier alone does not recall noise")

        let under = try answers(model, ["www.host7.example2.com"], ["--explain"])[0]
        XCTAssertEqual(under[1], ["a", "b", "c"][(7 * 7) % 3])
        XCTAssertEqual(under[3], "trained=host7.example2.com:1.0000")

        // Continued on a new label alone: the earlier names keep their answers, the new ones get theirs.
        let batch = write("batch.tsv", (0..<30).map { "game\($0).play\($0 % 3).net\tgames" }.joined(separator: "\n") + "\n")
        let continued = directory + "/m2.dcm"
        try train(batch, ["--init-model", model], out: continued)
        XCTAssertEqual(try answers(continued, names).map { $0[1] }, got.map { $0[1] })
        XCTAssertEqual(try answers(continued, ["game4.play1.net"])[0][1], "games")
        XCTAssertTrue(try answers(continued, ["game4.play1.net"])[0][2] == "1.0000")
    }
}
