import FastTextKit
import Foundation
import XCTest

/// Training through the library, saving and loading, vectors, concurrency.
final class FastTextModelTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try FastTextFixtures.makeDirectory()
        try FastTextFixtures.write(FastTextFixtures.labelledLines(count: 400), to: trainingFile)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private var trainingFile: URL { directory.appendingPathComponent("train.txt") }

    private func supervisedArgs(output: String? = nil) -> FastTextTrainArgs {
        var args = FastTextTrainArgs(model: .supervised, input: trainingFile.path, output: output)
        args.dim = 16
        args.epoch = 10
        args.wordNgrams = 2
        args.minn = 2
        args.maxn = 4
        args.bucket = 20_000
        args.thread = 1
        return args
    }

    func testSupervisedDefaultsAreTheCLIs() {
        let args = FastTextTrainArgs(model: .supervised, input: "x")
        XCTAssertEqual(args.lr, 0.1)
        XCTAssertEqual(args.minCount, 1)
        XCTAssertEqual(args.loss, .softmax)
        XCTAssertEqual([args.minn, args.maxn, args.wordNgrams, args.dim, args.epoch], [0, 0, 1, 100, 5])
        let skipgram = FastTextTrainArgs(model: .skipgram, input: "x")
        XCTAssertEqual(skipgram.lr, 0.05)
        XCTAssertEqual(skipgram.loss, .ns)
        XCTAssertEqual([skipgram.minn, skipgram.maxn, skipgram.minCount, skipgram.ws, skipgram.neg], [3, 6, 5, 5, 5])
    }

    func testTrainSaveLoadRoundTripKeepsEveryPrediction() throws {
        let path = directory.appendingPathComponent("trained.bin").path
        let trained = try FastTextModel.train(supervisedArgs(output: path))
        XCTAssertEqual(Set(trained.labels), Set(FastTextFixtures.classes))
        XCTAssertEqual(trained.dimension, 16)

        let loaded = try FastTextModel(contentsOf: path)
        let bytes = try trained.serialized()
        XCTAssertEqual(bytes, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let fromBytes = try FastTextModel(bytes: bytes)
        XCTAssertEqual(loaded.labels, trained.labels)
        XCTAssertEqual(fromBytes.labels, trained.labels)

        let lines = FastTextFixtures.queryLines(count: 200)
        for line in lines {
            let expected = trained.predict(line, k: 4)
            XCTAssertEqual(expected.count, 4, line)
            for other in [loaded, fromBytes] {
                let got = other.predict(line, k: 4)
                XCTAssertEqual(got.map(\.label), expected.map(\.label), line)
                XCTAssertEqual(got.map(\.probability), expected.map(\.probability), line)
                XCTAssertEqual(other.sentenceVector(line), trained.sentenceVector(line), line)
            }
        }
        // The model learned the corpus: class words predict their class.
        XCTAssertEqual(loaded.predict("tracker pixel banner", k: 1).first?.label, "ads")
        XCTAssertEqual(loaded.predict("cart checkout coupon", k: 1).first?.label, "shopping")
    }

    func testModelSavedByLibraryPredictsLikeTheCLI() throws {
        let path = directory.appendingPathComponent("trained.bin").path
        let model = try FastTextModel.train(supervisedArgs(output: path))
        let lines = FastTextFixtures.queryLines(count: 60)
        let output = try FastTextFixtures.runCLI(["predict-prob", path, "-", "2"], input: lines.joined(separator: "\n") + "\n")
        for (line, row) in zip(lines, output.split(separator: "\n", omittingEmptySubsequences: false)) {
            let fields = row.split(separator: " ")
            let predicted = model.predict(line, k: 2)
            XCTAssertEqual(predicted.map { "__label__" + $0.label }, [String(fields[0]), String(fields[2])], line)
            XCTAssertEqual(predicted[0].probability, Float(fields[1])!, accuracy: 1e-5, line)
        }
    }

    func testBytePredictMatchesStringPredict() throws {
        let model = try FastTextModel.train(supervisedArgs())
        var indices = [Int32](repeating: -1, count: 3)
        var probabilities = [Float](repeating: -1, count: 3)
        for line in FastTextFixtures.queryLines(count: 50) {
            var utf8 = line
            let count = utf8.withUTF8 { bytes in
                indices.withUnsafeMutableBufferPointer { indices in
                    probabilities.withUnsafeMutableBufferPointer { probabilities in
                        model.predict(utf8: bytes, k: 10, labelIndices: indices, probabilities: probabilities)
                    }
                }
            }
            let expected = model.predict(line, k: 3)
            XCTAssertEqual(count, expected.count)
            XCTAssertEqual(indices[..<count].map { model.labels[Int($0)] }, expected.map(\.label))
            XCTAssertEqual(Array(probabilities[..<count]), expected.map(\.probability))
        }
    }

    func testSkipgramGivesSubwordVectorsAndNoLabels() throws {
        let corpus = directory.appendingPathComponent("corpus.txt")
        try FastTextFixtures.write(FastTextFixtures.queryLines(count: 400).filter { !$0.contains("__label__") }, to: corpus)
        var args = FastTextTrainArgs(model: .skipgram, input: corpus.path)
        args.dim = 12
        args.epoch = 2
        args.minCount = 1
        args.minn = 2
        args.maxn = 4
        args.bucket = 10_000
        args.thread = 1
        let model = try FastTextModel.train(args)
        XCTAssertEqual(model.kind, .skipgram)
        XCTAssertEqual(model.labels, [])
        XCTAssertEqual(model.dimension, 12)
        XCTAssertEqual(model.predict("tracker", k: 3).count, 0)
        let known = model.wordVector("tracker")
        let unseen = model.wordVector("trackerzzz")
        XCTAssertEqual(known.count, 12)
        XCTAssertTrue(unseen.contains { $0 != 0 }, "an unseen word gets a vector from its n-grams")
        XCTAssertNotEqual(known, unseen)
        XCTAssertEqual(model.sentenceVector("tracker pixel").count, 12)

        let reloaded = try FastTextModel(bytes: try model.serialized())
        XCTAssertEqual(reloaded.wordVector("trackerzzz"), unseen)
    }

    func testTrainingErrorsAreThrown() throws {
        var missing = supervisedArgs()
        missing.input = directory.appendingPathComponent("absent.txt").path
        XCTAssertThrowsError(try FastTextModel.train(missing)) { error in
            XCTAssertTrue("\(error)".contains("absent.txt"), "\(error)")
        }

        let unlabelled = directory.appendingPathComponent("unlabelled.txt")
        try FastTextFixtures.write(["just words", "no labels here"], to: unlabelled)
        XCTAssertThrowsError(try FastTextModel.train(FastTextTrainArgs(model: .supervised, input: unlabelled.path)))

        var noBuckets = supervisedArgs()
        noBuckets.bucket = 0
        XCTAssertThrowsError(try FastTextModel.train(noBuckets))

        var huge = supervisedArgs()
        huge.dim = Int(Int32.max) + 1
        XCTAssertThrowsError(try FastTextModel.train(huge))

        var unwritable = supervisedArgs(output: directory.appendingPathComponent("no/such/dir/m.bin").path)
        unwritable.epoch = 1
        XCTAssertThrowsError(try FastTextModel.train(unwritable))
    }

    func testConcurrentPredictionsEqualSequentialOnes() throws {
        let model = try FastTextModel.train(supervisedArgs())
        let lines = FastTextFixtures.queryLines(count: 1000)
        let sequential = lines.map { model.predict($0, k: 3) }
        let threads = 2
        let results = ConcurrentResults(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var mine: [[(label: String, probability: Float)]] = []
            for _ in 0..<5 {
                mine = lines.map { model.predict($0, k: 3) }
            }
            results.set(thread, mine)
        }
        for thread in 0..<threads {
            let got = results.get(thread)
            XCTAssertEqual(got.count, sequential.count)
            for (a, b) in zip(got, sequential) {
                XCTAssertEqual(a.map(\.label), b.map(\.label))
                XCTAssertEqual(a.map(\.probability), b.map(\.probability))
            }
        }
    }
}

/// Per-thread result slots for concurrentPerform.
private final class ConcurrentResults: @unchecked Sendable {
    private var slots: [[[(label: String, probability: Float)]]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [[(label: String, probability: Float)]]) {
        lock.withLock { slots[index] = value }
    }

    func get(_ index: Int) -> [[(label: String, probability: Float)]] {
        lock.withLock { slots[index] }
    }
}
