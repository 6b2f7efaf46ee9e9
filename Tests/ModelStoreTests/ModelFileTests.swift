import Crypto
import DomainKit
import Learners
import ModelStore
import XCTest

final class ModelFileTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\n")
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "domcat-modelfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func writeModel() throws -> (String, LinearModel) {
        var params = LinearParams()
        params.bucketBits = 12
        params.dimension = 8
        let model = LinearModel(labels: ["ads", "site"], params: params, suffixes: suffixes)
        model.input.row(7)[3] = 0.5
        let header = ModelHeader(kind: "linear", labels: model.labels, parameters: [:], corpusDigest: "test", trainingExamples: 1)
        let path = directory + "/m.dcm"
        try LinearCodec.encode(model, header: header).write(to: path)
        return (path, model)
    }

    func testRoundTripPredictsIdentically() throws {
        let (path, model) = try writeModel()
        let loaded = try Model.load(path: path, suffixes: suffixes)
        XCTAssertEqual(loaded.header.labels, ["ads", "site"])
        XCTAssertEqual(loaded.digest.count, 64)
        let d = Domain(normalised: "x.example.com")
        XCTAssertEqual(loaded.classifier.classify(d, k: 2), model.classify(d, k: 2))
    }

    /// The issue 16 defaults (direct scores, idf counts in their own section) come back as they went.
    func testDirectIdfModelRoundTrips() throws {
        var params = LinearParams()
        params.bucketBits = 12
        let model = LinearModel(labels: ["ads", "site"], params: params, suffixes: suffixes)
        let domains = (0..<50).flatMap { [Domain(normalised: "ads\($0).com"), Domain(normalised: "shop\($0).com")] }
        let bags = FeatureBags(domains: domains, labels: (0..<50).flatMap { _ in [Int32(0), 1] }, tokenizer: model.tokenizer,
                               bucketMask: UInt64(params.buckets - 1), threads: 1)
        LinearTrainer.train(model, on: bags)
        let header = ModelHeader(kind: "linear", labels: model.labels, parameters: [:], corpusDigest: "test", trainingExamples: 100)
        let path = directory + "/direct.dcm"
        try LinearCodec.encode(model, header: header).write(to: path)
        let loaded = try XCTUnwrap(Model.load(path: path, suffixes: suffixes).classifier as? LinearModel)
        XCTAssertEqual(loaded.params, model.params)
        XCTAssertEqual(loaded.params.output, .direct)
        XCTAssertEqual(loaded.documentFrequency?.documents, 100)
        XCTAssertEqual(loaded.documentFrequency?.counts, model.documentFrequency?.counts)
        for name in ["ads7.com", "shop7.com", "unseen.com"] {
            XCTAssertEqual(loaded.classify(Domain(normalised: name), k: 2), model.classify(Domain(normalised: name), k: 2))
        }
    }

    func expectError(_ bytes: [UInt8], _ check: (ModelFileError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
        let path = directory + "/bad.dcm"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes), file: file, line: line) { error in
            guard let e = error as? ModelFileError else { return XCTFail("not a ModelFileError: \(error)", file: file, line: line) }
            XCTAssertTrue(check(e), "\(e)", file: file, line: line)
            XCTAssertFalse(e.description.isEmpty)
        }
    }

    func testCorruptTruncatedForeignAndNewerFilesAreClearErrors() throws {
        let (path, _) = try writeModel()
        let good = Array(FileManager.default.contents(atPath: path)!)
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        expectError(flipped) { if case .corrupt = $0 { return true }; return false }
        expectError(Array(good.prefix(good.count - 100))) { if case .corrupt = $0 { return true }; return false }
        expectError(Array(good.prefix(10))) { if case .corrupt = $0 { return true }; return false }
        expectError(Array("PK\u{3}\u{4} a zip file, not a model".utf8)) { $0 == .notAModel(path: self.directory + "/bad.dcm") }
        expectError([]) { if case .notAModel = $0 { return true }; return false }
        var newer = good
        newer[8] = 99
        expectError(newer) { if case .newerFormat = $0 { return true }; return false }
        XCTAssertThrowsError(try Model.load(path: directory + "/missing.dcm", suffixes: suffixes)) {
            XCTAssertEqual($0 as? ModelFileError, .unreadable(path: self.directory + "/missing.dcm", reason: "no such file"))
        }
    }

    func testSectionThatLiesAboutItsSizeIsRejected() throws {
        // A well-formed container whose section is not what the kind expects.
        let header = ModelHeader(kind: "linear", labels: ["a"], parameters: try JSONValue.from(LinearParams()), corpusDigest: "", trainingExamples: 0)
        let path = directory + "/lie.dcm"
        try ModelFile(header: header, sections: ["input": [1, 2, 3], "output": []]).write(to: path)
        XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes)) { error in
            guard case .corrupt = error as? ModelFileError else { return XCTFail("\(error)") }
        }
    }

    /// Found by the fuzzer (issue 14, FuzzModelFile, Fuzz/corpus/FuzzModelFile/oom-section-length): a sealed file
    /// whose section header claims gigabytes made the reader allocate and zero all of it before zstd could say
    /// the section holds 4 KB. With the largest length the format allows (64 GiB) that was a crash.
    func testSectionLengthIsCheckedBeforeItIsAllocated() throws {
        let (_, model) = try writeModel()
        let header = ModelHeader(kind: "linear", labels: model.labels, parameters: [:], corpusDigest: "test", trainingExamples: 1)
        let file = try LinearCodec.encode(model, header: header)
        var body = Array(try file.encoded(compressed: true).dropLast(32))
        let headerLength = body[12..<16].reversed().reduce(0) { $0 << 8 | Int($1) }
        // The first section's u64 raw length: after the u16 name length, the name, the compression byte and the u64 offset.
        let rawLength = 16 + headerLength + 4 + 2 + file.sectionNames[0].utf8.count + 1 + 8
        withUnsafeBytes(of: (UInt64(1) << 36 - 1).littleEndian) { body.replaceSubrange(rawLength..<(rawLength + 8), with: $0) }
        let start = Date()
        expectError(body + SHA256.hash(data: body)) { if case .corrupt = $0 { return true }; return false }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    /// Found reviewing what FuzzModelFile reaches (issue 14): a gbdt header's embedding sizes were bounded one
    /// by one but not their product, so a damaged header asked for a 2^28 × 1024 table (1 TiB) and the loader
    /// crashed; a learned table was also allocated before its section's size was checked.
    func testGBDTTableSizeIsBoundedBeforeAllocation() throws {
        var params = GBDTPipelineParams()
        params.bucketBits = 28
        params.dimension = 1024
        for embedding in [GBDTPipelineParams.EmbeddingSource.hashed, .linear] {
            params.embedding = embedding
            let header = ModelHeader(kind: GBDTCodec.kind, labels: ["a", "b"], parameters: try JSONValue.from(params),
                                     corpusDigest: "", trainingExamples: 0)
            let path = directory + "/huge.dcm"
            try ModelFile(header: header, sections: ["embedding": [0, 0, 0, 0]]).write(to: path)
            XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes), "\(embedding)") { error in
                guard case .corrupt = error as? ModelFileError else { return XCTFail("\(error)") }
            }
        }
    }

    func testUnwritablePathIsAClearError() throws {
        let (_, model) = try writeModel()
        let header = ModelHeader(kind: "linear", labels: model.labels, parameters: [:], corpusDigest: "", trainingExamples: 0)
        // A missing folder is found before anything is written (`OutputPath`); a refused write after that says why.
        XCTAssertThrowsError(try LinearCodec.encode(model, header: header).write(to: "/nonexistent-dir/m.dcm")) {
            XCTAssertEqual("\($0)", "cannot write /nonexistent-dir/m.dcm: no folder /nonexistent-dir")
        }
        XCTAssertThrowsError(try LinearCodec.encode(model, header: header).write(to: "/proc/nope.dcm")) {
            guard case .unwritable = $0 as? ModelFileError else { return XCTFail("\($0)") }
        }
    }
}

final class TrainedNamesCodecTests: XCTestCase {
    func testRoundTripsAndRejectsDamage() throws {
        let entries: [(hash: UInt64, label: UInt16)] = [(TrainedNames.hash("a.com"), 0), (TrainedNames.hash("b.com"), 1)]
        let names = TrainedNames(entries)
        let bytes = TrainedNamesCodec.encode(names)
        XCTAssertEqual(bytes.count, 20)
        let back = try TrainedNamesCodec.decode(bytes, labelCount: 2)
        XCTAssertEqual(back.label(of: "a.com"), 0)
        XCTAssertEqual(back.label(of: "b.com"), 1)
        XCTAssertThrowsError(try TrainedNamesCodec.decode(bytes, labelCount: 1), "a label the model does not have")
        XCTAssertThrowsError(try TrainedNamesCodec.decode(Array(bytes.dropLast()), labelCount: 2), "not whole entries")
        var swapped = Array(bytes[8..<16] + bytes[0..<8] + bytes[16...])
        XCTAssertThrowsError(try TrainedNamesCodec.decode(swapped, labelCount: 2), "hashes out of order")
        swapped = Array(repeating: 0, count: 10)
        XCTAssertThrowsError(try TrainedNamesCodec.decode(swapped, labelCount: 2), "hash 0 marks an empty slot")
    }
}
