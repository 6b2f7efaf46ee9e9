import Crypto
import DomainKit
import Foundation
import Learners
import Lines
import ModelStore
import XCTest

/// Format 2: plain files mapped and read in place, compressed ones expanded once into the model cache,
/// format-1 files still read; damage of any kind is a `ModelFileError`, never a crash.
final class MappedModelFileTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\n")
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "domcat-mapped-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        setenv("DOMCAT_MODEL_CACHE", directory + "/cache", 1)
    }

    override func tearDownWithError() throws {
        unsetenv("DOMCAT_MODEL_CACHE")
        try? FileManager.default.removeItem(atPath: directory)
    }

    let names = ["ads1.adserver.com", "shop2.store.net", "unseen.example.com"].map(Domain.init(normalised:))

    func quantizedModel(seed: UInt64 = 1) throws -> (QuantizedLinearModel, ModelFile) {
        var params = LinearParams()
        params.bucketBits = 12
        params.seed = seed
        let model = LinearModel(labels: ["ads", "shop"], params: params, suffixes: suffixes)
        let domains = (0..<60).flatMap { [Domain(normalised: "ads\($0).adserver.com"), Domain(normalised: "shop\($0).store.net")] }
        let labels: [Int32] = (0..<60).flatMap { _ in [Int32(0), 1] }
        // Another seed, another model: the names in the other order.
        let bags = FeatureBags(domains: seed == 1 ? domains : Array(domains.reversed()), labels: seed == 1 ? labels : Array(labels.reversed()),
                               tokenizer: model.tokenizer, bucketMask: UInt64(params.buckets - 1), threads: 1)
        LinearTrainer.train(model, on: bags)
        let small = try model.quantized(Quantization(cutoff: 40, prune: .norm))
        let header = ModelHeader(kind: "linear", labels: model.labels, parameters: [:], corpusDigest: "c", trainingExamples: 120)
        return (small, try LinearCodec.encode(small, header: header))
    }

    func expectCorrupt(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes), file: file, line: line) { error in
            guard case .corrupt = error as? ModelFileError else { return XCTFail("\(error)", file: file, line: line) }
        }
    }

    /// The quantized table is read where it lies in the mapped file, sections start on page boundaries,
    /// and the answers are those of the model written.
    func testPlainFileIsMappedAndReadInPlace() throws {
        let (small, file) = try quantizedModel()
        let path = directory + "/q.dcm"
        let digest = try file.write(to: path)
        let read = try ModelFile.read(path: path)
        XCTAssertEqual(read.digest, digest)
        let mapping = try XCTUnwrap(read.mapping)
        let region = try XCTUnwrap(read.region("input-q8"))
        XCTAssertTrue(region.owner === mapping)
        XCTAssertEqual((region.bytes.baseAddress! - mapping.bytes.baseAddress!) % ModelFile.sectionAlignment, 0)
        let loaded = try Model(file: read, path: path, suffixes: suffixes)
        XCTAssertTrue(loaded.classifier is QuantizedLinearModel)
        for name in names { XCTAssertEqual(loaded.classifier.classify(name, k: 2), small.classify(name, k: 2)) }
    }

    /// Shipped compressed, the model has the plain form's digest; it is expanded into the cache once and
    /// mapped from there; a damaged cache file is expanded again.
    func testCompressedFileExpandsOnceIntoTheCache() throws {
        let (small, file) = try quantizedModel()
        let plain = try file.write(to: directory + "/plain.dcm")
        let path = directory + "/shipped.dcm"
        XCTAssertEqual(try file.write(to: path, compressed: true), plain)
        XCTAssertLessThan(try fileSize(path), try fileSize(directory + "/plain.dcm"))
        let first = try Model.load(path: path, suffixes: suffixes)
        XCTAssertEqual(first.digest, plain)
        let cached = directory + "/cache/\(plain).dcm"
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: cached)), try Data(contentsOf: URL(fileURLWithPath: directory + "/plain.dcm")))
        let again = try ModelFile.read(path: path)
        XCTAssertNotNil(again.mapping, "read from the cache, mapped")
        // A cache file that went bad is not used: the shipped file is expanded again.
        var damaged = Array(try Data(contentsOf: URL(fileURLWithPath: cached)))
        damaged[damaged.count / 2] ^= 1
        try Data(damaged).write(to: URL(fileURLWithPath: cached))
        let repaired = try Model.load(path: path, suffixes: suffixes)
        for name in names { XCTAssertEqual(repaired.classifier.classify(name, k: 2), small.classify(name, k: 2)) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: cached)), try Data(contentsOf: URL(fileURLWithPath: directory + "/plain.dcm")))
        // Damage to the shipped file itself is found (zstd, or the digest of what it expands to).
        var bad = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bad[bad.count - 40] ^= 0x10
        try FileManager.default.removeItem(atPath: cached)
        try Data(bad).write(to: URL(fileURLWithPath: path))
        expectCorrupt(path)
    }

    /// A file written before format 2 (zstd sections, the SHA-256 of the file) still loads.
    func testFormatOneFileStillLoads() throws {
        let (small, file) = try quantizedModel()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = Array(try encoder.encode(file.header))
        var body = ModelFile.magic
        body += le(UInt32(1)) + le(UInt32(header.count)) + header + le(UInt32(file.sectionNames.count))
        for name in file.sectionNames {
            let raw = file.section(name)!, stored = try Zstd.compress(raw)
            body += le(UInt16(name.utf8.count)) + Array(name.utf8) + le(UInt64(raw.count)) + le(UInt64(stored.count)) + stored
        }
        let path = directory + "/v1.dcm"
        try Data(body + SHA256.hash(data: body)).write(to: URL(fileURLWithPath: path))
        let loaded = try Model.load(path: path, suffixes: suffixes)
        XCTAssertEqual(loaded.digest, hex(Array(SHA256.hash(data: body))))
        for name in names { XCTAssertEqual(loaded.classifier.classify(name, k: 2), small.classify(name, k: 2)) }
    }

    /// Truncated, foreign, bit-flipped, and sealed-but-damaged mapped files: each a clear error.
    func testDamagedMappedFilesAreClearErrors() throws {
        let (_, file) = try quantizedModel()
        let good = try file.encoded()
        let path = directory + "/bad.dcm"
        func attempt(_ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        for cut in [good.count - 1, good.count - 33, good.count / 2, 4097, 13] {
            try attempt(Array(good.prefix(cut)))
            expectCorrupt(path)
        }
        var flipped = good
        flipped[good.count - 100] ^= 4
        try attempt(flipped)
        expectCorrupt(path)
        try attempt(Array("\u{7f}ELF not a model at all, but long enough to be mapped".utf8))
        XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes)) { XCTAssertEqual($0 as? ModelFileError, .notAModel(path: path)) }
        // Damage inside the quantized table, sealed with a fresh digest: the table's own checks refuse it.
        let read = try ModelFile.decode(good)
        var table = read.section("input-q8")!
        table[8] &+= 1  // the count of kept rows
        var sealed = read
        sealed.sections["input-q8"] = table
        let body = Array(try sealed.encoded().dropLast(32))
        try attempt(body + SHA256.hash(data: body))
        expectCorrupt(path)
        // A section offset moved off its page: refused before any section is read.
        var moved = body
        let entry = moved.indices.first { Array(moved[$0..<min($0 + 8, moved.count)]) == Array("input-q8".utf8) }!
        moved[entry + 8 + 1] &+= 1
        try attempt(moved + SHA256.hash(data: moved))
        expectCorrupt(path)
        try attempt([])
        XCTAssertThrowsError(try Model.load(path: path, suffixes: suffixes)) { XCTAssertEqual($0 as? ModelFileError, .notAModel(path: path)) }
    }

    /// A model renamed over the mapped file (how domcat writes, and how a reload finds a new model) leaves
    /// the loaded one reading the old file.
    func testFileReplacedByRenameLeavesTheMappedModelWhole() throws {
        let (small, file) = try quantizedModel()
        let path = directory + "/live.dcm"
        try file.write(to: path)
        let loaded = try Model.load(path: path, suffixes: suffixes)
        let (_, other) = try quantizedModel(seed: 2)
        try other.write(to: path)
        try other.write(to: path)
        for name in names { XCTAssertEqual(loaded.classifier.classify(name, k: 2), small.classify(name, k: 2)) }
        XCTAssertNotEqual(try Model.load(path: path, suffixes: suffixes).digest, loaded.digest)
    }

    func fileSize(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
    func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
