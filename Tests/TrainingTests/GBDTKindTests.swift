import Corpora
import DomainKit
import Features
import Foundation
import Learners
import ModelStore
import Training
import XCTest

/// The `gbdt` kind end to end: train through `TrainJob`, save, load, continue.
final class GBDTKindTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\norg\n")
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "gbdt-kind-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ name: String, _ lines: [String]) -> String {
        let path = directory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return path
    }

    func firstBatch() -> [String] {
        (0..<300).flatMap { i in ["ads\(i).adserver\(i % 7).com\tads", "shop\(i).store\(i % 5).net\tshopping"] }
    }

    func job(_ corpus: String, out: String, features: String = "6+12", embeddings: GBDTPipelineParams.EmbeddingSource = .linear) -> TrainJob {
        var job = TrainJob(corpusPaths: [corpus], outputPath: directory + "/" + out, suffixes: suffixes)
        job.kind = .gbdt
        job.linear.bucketBits = 16
        job.linear.dimension = 16
        job.linear.epochs = 10
        job.linear.threads = 2
        job.gbdt.embeddings = embeddings
        job.gbdt.features = features
        job.gbdt.rounds = 20
        return job
    }

    func load(_ out: String) throws -> GBDTClassifier {
        try XCTUnwrap(try Model.load(path: directory + "/" + out, suffixes: suffixes).learned as? GBDTClassifier)
    }

    func hashedJob(_ corpus: String, out: String, features: String) -> TrainJob {
        var j = job(corpus, out: out, features: features, embeddings: .hashed)
        j.gbdt.hashedBits = 14
        j.gbdt.hashedDimension = 16
        return j
    }

    func testFeaturizerWidthAndExplainWeightsSumToOne() throws {
        let corpus = write("a.tsv", firstBatch())
        _ = try hashedJob(corpus, out: "h.dcm", features: "6+12").run()
        let hashed = try load("h.dcm")
        XCTAssertEqual(hashed.featurizer.width, 6 + 12)
        XCTAssertEqual(hashed.model.numFeatures, 18)
        XCTAssertEqual(hashed.featurizer.columnNames.count, 18)
        // Linear embeddings are read out as label probabilities: at most one projected dimension per label.
        _ = try job(corpus, out: "m.dcm").run()
        let model = try load("m.dcm")
        XCTAssertEqual(model.featurizer.width, 2 + 12)
        let weights = model.explain(Domain(normalised: "ads3.adserver2.com"), label: 0)
        XCTAssertFalse(weights.isEmpty)
        XCTAssertEqual(weights.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-5)
        // Rare tokens outweigh the suffix every name shares.
        let suffix = try XCTUnwrap(weights.first { $0.token == "com" })
        XCTAssertLessThan(suffix.weight, weights[0].weight)
        let report = Evaluation.evaluate(model, domains: firstBatch().map { Domain(normalised: String($0.split(separator: "\t")[0])) },
                                         truth: firstBatch().map { String($0.split(separator: "\t")[1]) })
        XCTAssertGreaterThan(report.accuracy, 0.99)
    }

    /// Trees walked over batches of names answer exactly what one name at a time gets, batch edges included.
    func testBatchedClassifyEachEqualsClassify() throws {
        let batch = firstBatch() + (0..<50).map { "news\($0).daily\($0 % 3).org\tnews" }
        _ = try hashedJob(write("a.tsv", batch), out: "b.dcm", features: "6+12").run()
        let model = try load("b.dcm")
        let names = batch.prefix(130).map { Domain(normalised: String($0.split(separator: "\t")[0])) } + [Domain(normalised: "unseen.example.com")]
        for count in [0, 1, 63, 64, 65, names.count] {
            var each: [[LabelScore]?] = Array(repeating: nil, count: count)
            model.classifyEach(Array(names.prefix(count)), k: 3, workspace: ClassifierWorkspace()) { i, top in each[i] = top }
            XCTAssertEqual(each.map { $0! }, names.prefix(count).map { model.classify($0, k: 3) }, "\(count) names")
        }
    }

    func testAutoFeatureSizesFollowCorpusSize() throws {
        _ = try hashedJob(write("a.tsv", firstBatch()), out: "m.dcm", features: "auto").run()
        XCTAssertEqual(try load("m.dcm").featurizer.width, 8 + 3)  // 600 examples: the smallest row of the table
    }

    func testSavedModelPredictsBitIdentically() throws {
        let corpus = write("a.tsv", firstBatch())
        for source in GBDTPipelineParams.EmbeddingSource.allCases where source != .fasttext {
            var j = job(corpus, out: "m-\(source).dcm", embeddings: source)
            j.gbdt.hashedBits = 12
            j.gbdt.hashedDimension = 8
            j.gbdt.hashesPerToken = 2
            let trained = try j.trainGBDT(try LabelledCorpus.read(paths: [corpus]), continuing: nil, valid: nil, first: true)
            let file = try GBDTCodec.encode(trained, header: ModelHeader(kind: "gbdt", labels: [], parameters: [:], corpusDigest: "", trainingExamples: 0))
            try file.write(to: directory + "/m.dcm")
            let loaded = try load("m.dcm")
            let workspace = ClassifierWorkspace()
            for name in ["ads5.adserver1.com", "shop77.store2.net", "unseen-name.example.org", "x.com"] {
                var a: [LabelScore] = [], b: [LabelScore] = []
                trained.classify(Domain(normalised: name), k: 2, workspace: workspace, into: &a)
                loaded.classify(Domain(normalised: name), k: 2, workspace: workspace, into: &b)
                XCTAssertEqual(a.map(\.label), b.map(\.label), "\(source) \(name)")
                XCTAssertEqual(a.map(\.probability.bitPattern), b.map(\.probability.bitPattern), "\(source) \(name)")
            }
        }
    }

    func testLearnedPoolingKeepsItsMultipliersThroughTheFile() throws {
        var j = job(write("a.tsv", firstBatch()), out: "learned.dcm")
        j.gbdt.pooling = .learned
        _ = try j.run()
        let model = try load("learned.dcm")
        XCTAssertEqual(model.params.poolingWeights, .learned)
        XCTAssertEqual(model.featurizer.pooling.kindScales, try XCTUnwrap(model.params.kindScales))
        XCTAssertTrue(model.featurizer.pooling.kindScales.allSatisfy { $0 > 0 && $0.isFinite })
        let weights = model.explain(Domain(normalised: "ads3.adserver2.com"), label: 0)
        XCTAssertEqual(weights.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-5)
        let report = Evaluation.evaluate(model, domains: firstBatch().map { Domain(normalised: String($0.split(separator: "\t")[0])) },
                                         truth: firstBatch().map { String($0.split(separator: "\t")[1]) })
        XCTAssertGreaterThan(report.accuracy, 0.99)
    }

    func testContinuedTrainingLearnsANewLabel() throws {
        _ = try job(write("a.tsv", firstBatch()), out: "first.dcm").run()
        let second = (0..<300).flatMap { i in
            ["news-\(i)-daily-paper-\(i % 9).org\tnews", "ads\(i + 1000).adserver\(i % 7).com\tads"]
        }
        var next = job(write("b.tsv", second), out: "second.dcm")
        next.initModelPath = directory + "/first.dcm"
        next.rehearse = false  // trees continued (with its rehearsal sample the pipeline is rebuilt; `RehearsalTests`)
        _ = try next.run()
        let first = try load("first.dcm"), model = try load("second.dcm")
        XCTAssertEqual(model.labels, ["ads", "shopping", "news"])
        XCTAssertGreaterThan(model.model.treeCount, first.model.treeCount)
        // The trees' inputs kept their meaning: the same projection of the two first labels'
        // probabilities (the new label's column folded into them), the same shape selection.
        let old = first.featurizer.projection, wide = model.featurizer.projection
        XCTAssertEqual(wide.outputDimension, old.outputDimension)
        XCTAssertEqual(wide.inputDimension, 3)
        for k in 0..<old.outputDimension {
            XCTAssertEqual(Array(wide.components[k * 3..<k * 3 + 2]), Array(old.components[k * 2..<k * 2 + 2]))
        }
        XCTAssertEqual(model.featurizer.shapeSelection, first.featurizer.shapeSelection)
        XCTAssertEqual(model.featurizer.readout?.outputDimension, 3)
        let news = model.classify(Domain(normalised: "news-7777-daily-paper-3.org"), k: 1)
        XCTAssertEqual(model.labels[Int(news[0].label)], "news")
        let ads = model.classify(Domain(normalised: "ads4242.adserver3.com"), k: 1)
        XCTAssertEqual(model.labels[Int(ads[0].label)], "ads")
    }

    func testBatchesContinueEachOther() throws {
        var j = job(write("a.tsv", firstBatch()), out: "batched.dcm")
        j.gbdt.batchSize = 200
        j.rehearse = false  // trees continued batch after batch (rehearsal would rebuild them; `RehearsalTests`)
        _ = try j.run()
        let model = try load("batched.dcm")
        XCTAssertEqual(model.model.treeCount % 2, 0)
        XCTAssertGreaterThan(model.model.treeCount, 2 * 20)  // more than one batch's rounds
    }

    /// Names of three labels; `news` joins in the second batch, `ads` grows scarce after the first.
    func threeBatches() -> [LabelledCorpus] {
        func corpus(_ range: Range<Int>, ads every: Int, news: Bool) -> LabelledCorpus {
            var c = LabelledCorpus()
            func add(_ name: String, _ label: String) { c.domains.append(Domain(normalised: name)); c.labels.append(label) }
            for i in range {
                if i % every == 0 { add("ads\(i).adserver\(i % 7).com", "ads") }
                add("shop\(i).store\(i % 5).net", "shopping")
                if news { add("news-\(i)-daily-paper-\(i % 9).org", "news") }
            }
            return c
        }
        return [corpus(0..<200, ads: 1, news: false), corpus(200..<400, ads: 5, news: true), corpus(400..<600, ads: 5, news: true)]
    }

    /// Later batches keep training the embedding model (its table moves) while the earlier labels
    /// stay predicted; a saved and loaded model after the batches predicts bit-identically.
    func testContinuedBatchesTrainTheEmbeddingsAndKeepEarlierLabels() throws {
        let batches = threeBatches()
        let j = job(write("unused.tsv", []), out: "unused.dcm")
        var model = try j.trainGBDT(batches[0], continuing: nil, valid: nil, first: true)
        let first = model
        for batch in batches.dropFirst() { model = try j.trainGBDT(batch, continuing: model, valid: nil, first: false) }
        XCTAssertEqual(model.labels, ["ads", "shopping", "news"])
        XCTAssertEqual(model.featurizer.shapeSelection, first.featurizer.shapeSelection)
        let before = try XCTUnwrap(first.featurizer.pooling.embedding as? HashedEmbedding)
        let after = try XCTUnwrap(model.featurizer.pooling.embedding as? HashedEmbedding)
        XCTAssertFalse(before.values.elementsEqual(after.values), "the embedding table kept training")
        for (name, label) in [("ads9001.adserver4.com", "ads"), ("shop9001.store3.net", "shopping"), ("news-9001-daily-paper-4.org", "news")] {
            XCTAssertEqual(model.labels[Int(model.classify(Domain(normalised: name), k: 1)[0].label)], label, name)
        }

        let file = try GBDTCodec.encode(model, header: ModelHeader(kind: "gbdt", labels: [], parameters: [:], corpusDigest: "", trainingExamples: 0))
        try file.write(to: directory + "/batches.dcm")
        let loaded = try load("batches.dcm")
        let workspace = ClassifierWorkspace()
        for name in ["ads5.adserver1.com", "shop77.store2.net", "news-3-daily-paper-3.org", "unseen-name.example.org", "x.com"] {
            var a: [LabelScore] = [], b: [LabelScore] = []
            model.classify(Domain(normalised: name), k: 3, workspace: workspace, into: &a)
            loaded.classify(Domain(normalised: name), k: 3, workspace: workspace, into: &b)
            XCTAssertEqual(a.map(\.label), b.map(\.label), name)
            XCTAssertEqual(a.map(\.probability.bitPattern), b.map(\.probability.bitPattern), name)
        }
    }

    /// `--freeze-embeddings`: the first batch's featurizer stays as it was; only trees are added.
    func testFrozenEmbeddingsKeepTheFirstFeaturizer() throws {
        let batches = threeBatches()
        var j = job(write("unused.tsv", []), out: "unused.dcm")
        j.gbdt.freezeEmbeddings = true
        let first = try j.trainGBDT(batches[0], continuing: nil, valid: nil, first: true)
        let second = try j.trainGBDT(batches[1], continuing: first, valid: nil, first: false)
        XCTAssertTrue(second.featurizer.pooling.embedding === first.featurizer.pooling.embedding)
        XCTAssertEqual(second.featurizer.projection, first.featurizer.projection)
        XCTAssertGreaterThan(second.model.treeCount, first.model.treeCount)
    }
}
