import FastTextKit
import Foundation
import XCTest

/// A damaged or foreign model file is a thrown error: never a crash, a hang
/// or a huge allocation inside libfasttext.
final class FastTextCorruptModelTests: XCTestCase {
    private var directory: URL!
    private var good: [UInt8] = []

    override func setUpWithError() throws {
        directory = try FastTextFixtures.makeDirectory()
        let data = directory.appendingPathComponent("train.txt")
        try FastTextFixtures.write(FastTextFixtures.labelledLines(count: 200), to: data)
        var args = FastTextTrainArgs(model: .supervised, input: data.path)
        args.dim = 8
        args.epoch = 2
        args.wordNgrams = 2
        args.bucket = 1000
        args.thread = 1
        good = try FastTextModel.train(args).serialized()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// Both entry points (bytes and file) must throw for `bytes`.
    private func assertRejected(_ bytes: [UInt8], _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FastTextModel(bytes: bytes), context, file: file, line: line)
        let url = directory.appendingPathComponent("corrupt.bin")
        XCTAssertNoThrow(try Data(bytes).write(to: url))
        XCTAssertThrowsError(try FastTextModel(contentsOf: url.path), context, file: file, line: line) { error in
            XCTAssertFalse((error as? FastTextError)?.message.isEmpty ?? true, context)
        }
    }

    private func patched(_ offset: Int, _ value: Int32) -> [UInt8] {
        var bytes = good
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        return bytes
    }

    func testTheUncorruptedModelLoads() throws {
        XCTAssertEqual(try FastTextModel(bytes: good).labels.count, FastTextFixtures.classes.count)
    }

    func testEmptyRandomAndForeignFilesAreErrors() {
        assertRejected([], "empty")
        var random = FastTextFixtures.Random(state: 42)
        for size in [3, 64, 1000, 100_000] {
            assertRejected((0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }, "random \(size)")
        }
        assertRejected(Array("#!/bin/sh\necho not a model\n".utf8), "text")
        assertRejected(patched(0, 0x1234_5678), "wrong magic")
        assertRejected(patched(4, 13), "future version")
        assertRejected(patched(4, 10), "old version")
    }

    func testMissingPathAndDirectoryAreErrors() {
        XCTAssertThrowsError(try FastTextModel(contentsOf: directory.appendingPathComponent("absent.bin").path))
        XCTAssertThrowsError(try FastTextModel(contentsOf: directory.path))
    }

    func testEveryTruncationIsAnError() {
        // Every cut in the header and dictionary (where libfasttext would loop
        // forever), then a stride through the matrices.
        let headerAndDictionary = min(good.count, 4_000)
        var cuts = Array(0..<headerAndDictionary)
        cuts += stride(from: headerAndDictionary, to: good.count, by: 997)
        cuts.append(good.count - 1)
        for cut in cuts {
            XCTAssertThrowsError(try FastTextModel(bytes: Array(good[..<cut])), "cut at \(cut)")
        }
        assertRejected(Array(good[..<(good.count / 2)]), "half")
        assertRejected(good + [0], "trailing byte")
    }

    func testLyingSizesAreErrors() {
        // Header: magic, version, 12 int32 args + double t = 64 bytes; then the dictionary.
        assertRejected(patched(8, 0), "dim 0")
        assertRejected(patched(8, 9), "dim disagrees with the matrices")
        assertRejected(patched(36, 2), "model kind changed")  // supervised → skipgram: output rows disagree
        assertRejected(patched(32, 9), "unknown loss")
        assertRejected(patched(40, 0), "bucket 0 with word n-grams")
        assertRejected(patched(40, -5), "negative bucket")
        assertRejected(patched(64, Int32.max), "huge dictionary")
        assertRejected(patched(68, -1), "negative word count")
    }

    func testFlippedBytesNeverCrash() throws {
        // Any single damaged byte in the header and dictionary either throws or yields a model that
        // still predicts: at most k answers, each one of its labels with a probability in [0, 1], and
        // vectors of its dimension.
        var rejected = 0, loaded = 0
        for offset in 0..<min(good.count, 600) {
            var bytes = good
            bytes[offset] ^= 0xFF
            guard let model = try? FastTextModel(bytes: bytes) else {
                rejected += 1
                continue
            }
            loaded += 1
            XCTAssertGreaterThanOrEqual(offset, 8, "a damaged magic or version at \(offset) must not load")
            XCTAssertGreaterThan(model.dimension, 0, "offset \(offset)")
            let predictions = model.predict("tracker pixel cart", k: 2)
            XCTAssertLessThanOrEqual(predictions.count, 2, "offset \(offset)")
            for p in predictions {
                XCTAssertTrue(model.labels.contains(p.label), "offset \(offset): \(p.label)")
                XCTAssertTrue(p.probability.isFinite && p.probability >= 0 && p.probability <= 1 + 1e-5, "offset \(offset): \(p.probability)")
            }
            XCTAssertEqual(model.sentenceVector("tracker pixel").count, model.dimension, "offset \(offset)")
            XCTAssertEqual(model.wordVector("zzunseen").count, model.dimension, "offset \(offset)")
        }
        XCTAssertEqual(rejected + loaded, min(good.count, 600))
        XCTAssertGreaterThanOrEqual(rejected, 8, "every flip of the magic and version is refused")
    }
}
