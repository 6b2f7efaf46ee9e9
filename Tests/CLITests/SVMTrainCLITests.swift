import Foundation
import XCTest

/// `train`'s default `linear` model is one SVM per label (`--loss svm`); SVM scores are margins, so without
/// `--valid` a held-out tenth of the names calibrates them.
final class SVMTrainCLITests: CLITestCase {
    /// Names whose word says their label, a fifth of the labels flipped at random: about 80% can be right.
    func noisyCorpus(_ count: Int, seed: Int, name: String) -> String {
        var rng = seed
        func next() -> Int { rng = (rng &* 1_103_515_245 &+ 12345) & 0x7fff_ffff; return rng }
        let labels = ["ads", "tracking", "site"], words = ["adserv", "pixel", "shop"]
        var lines: [String] = []
        for i in 0..<count {
            let l = next() % 3
            let label = next() % 5 == 0 ? labels[(l + 1 + next() % 2) % 3] : labels[l]
            lines.append("\(words[l])\(i)-\(seed).host\(next() % 50).com\t\(label)")
        }
        return write(name, lines.joined(separator: "\n") + "\n")
    }

    func testWithoutValidProbabilitiesComeFromAHeldOutTenth() throws {
        let model = directory + "/m.dcm"
        let r = try domcat(["train", noisyCorpus(3000, seed: 1, name: "train.tsv"), "--out", model, "--bucket-bits", "14", "--threads", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("calibrated on a held-out tenth of the names"), r.stderr)
        let parameters = try header(model)["parameters"] as? [String: Any]
        XCTAssertEqual(parameters?["loss"] as? String, "svm")

        // On new names, the mean top-1 probability is about how often the top label is right.
        let test = noisyCorpus(1500, seed: 2, name: "test.tsv")
        let truth = try String(contentsOfFile: test, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let out = try domcat(["classify", model, "--quiet", "--min-p", "0"], stdin: Data(truth.map { $0[0] + "\n" }.joined().utf8))
        XCTAssertEqual(out.status, 0, out.stderr)
        let answers = lines(out.stdout).map(columns)
        XCTAssertEqual(answers.count, truth.count)
        let right = zip(answers, truth).filter { $0[1] == $1[1] }.count
        let accuracy = Double(right) / Double(truth.count)
        let confidence = answers.map { Double($0[2])! }.reduce(0, +) / Double(answers.count)
        XCTAssertGreaterThan(accuracy, 0.7)
        XCTAssertEqual(confidence, accuracy, accuracy: 0.06, "mean p \(confidence) against accuracy \(accuracy)")
    }

    func testTooFewNamesToHoldOutSaySo() throws {
        let r = try domcat(["train", noisyCorpus(300, seed: 3, name: "small.tsv"), "--out", directory + "/s.dcm", "--bucket-bits", "12"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("too few names to hold a tenth out"), r.stderr)
    }

    func testLossAndCostOptions() throws {
        let corpus = noisyCorpus(300, seed: 4, name: "c.tsv")
        let softmax = try domcat(["train", corpus, "--out", directory + "/e.dcm", "--bucket-bits", "12", "--output", "embedding", "--dim", "8"])
        XCTAssertEqual(softmax.status, 0, "embedding output trains with softmax by default: " + softmax.stderr)
        XCTAssertEqual((try header(directory + "/e.dcm")["parameters"] as? [String: Any])?["loss"] as? String, "softmax")
        let contradiction = try domcat(["train", corpus, "--out", directory + "/x.dcm", "--output", "embedding", "--loss", "svm"])
        XCTAssertEqual(contradiction.status, 2, contradiction.stderr)
        XCTAssertTrue(contradiction.stderr.contains("--loss svm needs --output direct"), contradiction.stderr)
        XCTAssertEqual(try domcat(["train", corpus, "--out", directory + "/y.dcm", "--cost", "0"]).status, 2, "C must be positive")
        let c = try domcat(["train", corpus, "--out", directory + "/c.dcm", "--bucket-bits", "12", "--cost", "4"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertEqual((try header(directory + "/c.dcm")["parameters"] as? [String: Any])?["cost"] as? Double, 4)
    }
}
