import FastTextKit
import Foundation
import XCTest

/// Models trained by the `fasttext` CLI give, through FastTextKit, the
/// answers the CLI itself gives.
final class FastTextCLIParityTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        _ = try FastTextFixtures.cli()
        directory = try FastTextFixtures.makeDirectory()
        try FastTextFixtures.write(FastTextFixtures.labelledLines(count: 400), to: trainingFile)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private var trainingFile: URL { directory.appendingPathComponent("train.txt") }

    /// `fasttext supervised` with word and char n-grams, so both hash paths run.
    private func trainWithCLI(loss: String) throws -> String {
        let prefix = directory.appendingPathComponent("model-\(loss)").path
        try FastTextFixtures.runCLI([
            "supervised", "-input", trainingFile.path, "-output", prefix, "-epoch", "10", "-dim", "16",
            "-wordNgrams", "2", "-minn", "2", "-maxn", "4", "-bucket", "20000", "-loss", loss,
            "-thread", "1", "-verbose", "0",
        ])
        return prefix
    }

    func testPredictionsEqualPredictProbForEveryLoss() throws {
        for loss in ["softmax", "hs", "ova", "ns"] {
            let path = try trainWithCLI(loss: loss) + ".bin"
            try assertPredictionsMatchCLI(modelPath: path, context: loss)
        }
    }

    func testQuantizedModelPredictionsEqualPredictProb() throws {
        let prefix = try trainWithCLI(loss: "softmax")
        try FastTextFixtures.runCLI([
            "quantize", "-input", trainingFile.path, "-output", prefix, "-qnorm", "-cutoff", "1000",
            "-retrain", "-epoch", "1", "-thread", "1", "-verbose", "0",
        ])
        try assertPredictionsMatchCLI(modelPath: prefix + ".ftz", context: "quantized")
    }

    private func assertPredictionsMatchCLI(modelPath: String, context: String) throws {
        let model = try FastTextModel(contentsOf: modelPath)
        XCTAssertEqual(model.kind, .supervised)
        XCTAssertEqual(model.dimension, 16)
        XCTAssertEqual(Set(model.labels), Set(FastTextFixtures.classes), context)

        let lines = FastTextFixtures.queryLines(count: 300)
        for k in [1, 3, 10] {
            let output = try FastTextFixtures.runCLI(
                ["predict-prob", modelPath, "-", String(k)], input: lines.joined(separator: "\n") + "\n")
            let rows = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            XCTAssertEqual(rows.count, lines.count, "\(context) k=\(k)")
            for (line, row) in zip(lines, rows) {
                let fields = row.split(separator: " ")
                let expected = stride(from: 0, to: fields.count - 1, by: 2).map { index in
                    (label: String(fields[index].dropFirst("__label__".count)), probability: Float(fields[index + 1])!)
                }
                let predicted = model.predict(line, k: k)
                XCTAssertEqual(predicted.map(\.label), expected.map(\.label), "\(context) k=\(k) line '\(line)'")
                for (got, want) in zip(predicted, expected) {
                    XCTAssertEqual(got.probability, want.probability, accuracy: 1e-5, "\(context) line '\(line)'")
                }
            }
        }
    }

    func testThresholdDropsUnlikelyLabels() throws {
        let model = try FastTextModel(contentsOf: try trainWithCLI(loss: "softmax") + ".bin")
        for line in FastTextFixtures.queryLines(count: 50) {
            let all = model.predict(line, k: 4)
            let likely = model.predict(line, k: 4, threshold: 0.3)
            XCTAssertEqual(likely.map(\.label), all.filter { $0.probability >= 0.3 }.map(\.label), line)
        }
    }

    func testWordAndSentenceVectorsEqualCLI() throws {
        let path = try trainWithCLI(loss: "softmax") + ".bin"
        let model = try FastTextModel(contentsOf: path)
        let words = ["tracker", "facebook", "zzunseen", "café", "a"]
        let wordRows = FastTextFixtures.parseVectors(
            try FastTextFixtures.runCLI(["print-word-vectors", path], input: words.joined(separator: "\n") + "\n"),
            skipFirstWord: true)
        XCTAssertEqual(wordRows.count, words.count)
        for (word, expected) in zip(words, wordRows) {
            assertClose(model.wordVector(word), expected, word)
        }

        let lines = FastTextFixtures.queryLines(count: 40)
        let sentenceRows = FastTextFixtures.parseVectors(
            try FastTextFixtures.runCLI(["print-sentence-vectors", path], input: lines.joined(separator: "\n") + "\n"),
            skipFirstWord: false)
        XCTAssertEqual(sentenceRows.count, lines.count)
        for (line, expected) in zip(lines, sentenceRows) {
            assertClose(model.sentenceVector(line), expected, line)
        }
    }

    /// The CLI prints 5 significant digits.
    private func assertClose(_ got: [Float], _ expected: [Float], _ context: String) {
        XCTAssertEqual(got.count, expected.count, context)
        for (a, b) in zip(got, expected) {
            XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-4 * abs(b), context)
        }
    }
}
