import Foundation
import Lines
import XCTest

/// The zstd stream writer (`ZstdEncoder`) and reader (`ZstdDecoder`, and `LineReader` on `.zst` input):
/// round trips of every size, decoding in arbitrary chunks, damaged frames as thrown errors, and files
/// of the Debian `zstd` CLI in both directions.
final class ZstdStreamTests: XCTestCase {
    static let cli = "/usr/bin/zstd"
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "domcat-zstd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { if let directory { try? FileManager.default.removeItem(atPath: directory) } }

    /// Deterministic pseudo-random bytes (incompressible).
    func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count + 8)
        while out.count < count {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            z ^= z >> 31
            withUnsafeBytes(of: z) { out.append(contentsOf: $0) }
        }
        return Array(out.prefix(count))
    }

    /// Text that compresses: DNS-ish names, one a line.
    func nameLines(_ count: Int) -> [UInt8] {
        Array((0..<count).map { "host\($0 % 9973).cdn\($0 % 17).example.com\n" }.joined().utf8)
    }

    func encode(_ data: [UInt8], pieceSize: Int = 1 << 16, level: Int32 = 3) throws -> [UInt8] {
        let encoder = ZstdEncoder(level: level)
        var offset = 0
        repeat {
            let end = min(data.count, offset + pieceSize)
            try data[offset..<end].withUnsafeBytes { try encoder.add($0) }
            offset = end
        } while offset < data.count
        try encoder.finish()
        let frame = encoder.pieces.flatMap { $0 }
        XCTAssertEqual(encoder.rawCount, data.count)
        XCTAssertEqual(encoder.compressedCount, frame.count)
        return frame
    }

    /// Decodes `frame` fed in chunks of `chunk` bytes; also returns whether the decoder ended at a frame boundary.
    func decode(_ frame: [UInt8], chunk: Int = 1 << 20) throws -> (bytes: [UInt8], complete: Bool) {
        let decoder = ZstdDecoder()
        var out: [UInt8] = []
        var offset = 0
        while offset < frame.count {
            let end = min(frame.count, offset + chunk)
            try frame[offset..<end].withUnsafeBytes { raw in try decoder.decode(raw) { out.append(contentsOf: $0) } }
            offset = end
        }
        return (out, decoder.atFrameBoundary)
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func requireCLI() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.cli) else { throw XCTSkip("zstd CLI not installed (Debian package zstd)") }
    }

    func readLines(_ path: String) throws -> [String] {
        let reader = try LineReader.open(path: path)
        var lines: [String] = []
        try reader.forEachLine { line, _ in lines.append(String(decoding: line, as: UTF8.self)); return true }
        return lines
    }

    // MARK: round trips

    func testRoundTripOfEverySize() throws {
        // 131_072 and its multiples fill the decoder's output buffer exactly at the frame's end: such a
        // frame was once reported as not ended.
        let sizes = [0, 1, 2, 100, 4095, 4096, 131_071, 131_072, 131_073, 262_144, 1 << 20, 3 << 20 | 12_345]
        for (i, size) in sizes.enumerated() {
            let data = randomBytes(size, seed: UInt64(i))
            let frame = try encode(data)
            XCTAssertEqual(Array(frame.prefix(4)), Zstd.magic, "size \(size)")
            let (back, complete) = try decode(frame)
            XCTAssertEqual(back.count, size)
            XCTAssertTrue(back == data, "size \(size)")
            XCTAssertTrue(complete, "size \(size)")
        }
    }

    func testCompressibleMultiMegabyteStreamShrinksAndRoundTrips() throws {
        let data = nameLines(200_000)
        XCTAssertGreaterThan(data.count, 5 << 20)
        let frame = try encode(data, pieceSize: 70_001)
        XCTAssertLessThan(frame.count, data.count / 10, "names compress at least tenfold")
        let back = try decode(frame, chunk: 64 << 10)
        XCTAssertTrue(back.bytes == data)
        XCTAssertTrue(back.complete)
    }

    func testEncoderPieceSizeDoesNotChangeTheContent() throws {
        let data = nameLines(2_000)
        for piece in [1, 1000, 1 << 20] {
            XCTAssertTrue(try decode(try encode(data, pieceSize: piece)).bytes == data, "pieces of \(piece)")
        }
    }

    func testOneShotCompressAndDecompressAgreeWithTheStreams() throws {
        for size in [0, 10, 200_000] {
            let data = randomBytes(size, seed: 99)
            let oneShot = try Zstd.compress(data)
            XCTAssertTrue(try Zstd.decompress(oneShot[...], expectedSize: size) == data)
            XCTAssertTrue(try decode(oneShot).bytes == data, "the stream decoder reads a one-shot frame")
            XCTAssertTrue(try Zstd.decompress(try encode(data)[...], expectedSize: size) == data, "and the reverse")
        }
        let frame = try Zstd.compress(nameLines(100))
        XCTAssertThrowsError(try Zstd.decompress(frame[...], expectedSize: nameLines(100).count - 1), "a header that says less")
        XCTAssertThrowsError(try Zstd.decompress(frame[...], expectedSize: nameLines(100).count + 1)) { error in
            XCTAssertTrue("\(error)".hasPrefix("zstd: "), "\(error)")
        }
    }

    // MARK: streaming decode in chunks

    func testDecodingInChunksOfAnySizeGivesTheSameBytes() throws {
        let data = nameLines(2_000) + randomBytes(20_000, seed: 5)
        let frame = try encode(data)
        for chunk in [1, 2, 3, 7, 64, 4096, 65_537, frame.count] {
            let (back, complete) = try decode(frame, chunk: chunk)
            XCTAssertTrue(back == data, "chunks of \(chunk)")
            XCTAssertTrue(complete, "chunks of \(chunk)")
        }
    }

    func testFrameBoundaryIsKnownOnlyAtTheEnd() throws {
        let frame = try encode(randomBytes(50_000, seed: 3))
        let decoder = ZstdDecoder()
        var produced = 0
        let half = frame.count / 2
        try frame[..<half].withUnsafeBytes { try decoder.decode($0) { produced += $0.count } }
        XCTAssertFalse(decoder.atFrameBoundary, "half a frame")
        XCTAssertLessThan(produced, 50_000)
        try frame[half...].withUnsafeBytes { try decoder.decode($0) { produced += $0.count } }
        XCTAssertTrue(decoder.atFrameBoundary)
        XCTAssertEqual(produced, 50_000)
    }

    func testConcatenatedFramesDecodeAsOneStream() throws {
        let a = nameLines(1000), b = randomBytes(3000, seed: 1), c: [UInt8] = []
        let stream = try encode(a) + encode(c) + Zstd.compress(b)
        for chunk in [5, 1 << 20] {
            let (back, complete) = try decode(stream, chunk: chunk)
            XCTAssertTrue(back == a + c + b, "chunks of \(chunk)")
            XCTAssertTrue(complete)
        }
    }

    // MARK: damaged input

    func testGarbageIsAThrownError() throws {
        for garbage in [Array("hello, this is not zstd\n".utf8), randomBytes(10_000, seed: 8), Zstd.magic + [0x08] + [UInt8](repeating: 0, count: 16)] {
            XCTAssertThrowsError(try decode(garbage)) { error in
                XCTAssertTrue(error is ZstdError, "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("zstd: "), "\(error)")
            }
        }
    }

    func testGarbageAfterAGoodFrameIsAThrownError() throws {
        let good = nameLines(100)
        XCTAssertThrowsError(try decode(try encode(good) + Array("trailing junk".utf8)))
    }

    func testCorruptBlockHeaderIsAThrownError() throws {
        // Frame header of a streamed frame: magic (4), descriptor (1), window descriptor (1); then the
        // first block header, 3 bytes little-endian whose bits 1–2 are the block type. Type 3 is reserved.
        var frame = try encode(randomBytes(1000, seed: 2))
        XCTAssertEqual(frame[4] & 0x20, 0, "no single-segment flag: a window descriptor follows")
        frame[6] |= 0b110
        XCTAssertThrowsError(try decode(frame)) { XCTAssertTrue($0 is ZstdError, "\($0)") }
    }

    func testTruncatedFrameIsNotAtABoundaryAndNeverCrashes() throws {
        let data = nameLines(3000)
        let frame = try encode(data)
        for cut in Array(0..<64) + stride(from: 64, to: frame.count, by: max(1, frame.count / 97)) {
            let prefix = Array(frame[..<cut])
            let result: (bytes: [UInt8], complete: Bool)
            do { result = try decode(prefix, chunk: 777) } catch { continue }  // an error is fine; a crash is not
            if cut > 0 { XCTAssertFalse(result.complete, "cut at \(cut) of \(frame.count)") }
            XCTAssertTrue(data.starts(with: result.bytes), "cut at \(cut): what came out is a prefix of the data")
            if cut > 0 { XCTAssertThrowsError(try Zstd.decompress(prefix[...], expectedSize: data.count), "one-shot, cut at \(cut)") }
        }
    }

    func testTruncatedZstdFileIsAnInputErrorForLineReader() throws {
        let frame = try encode(nameLines(5000))
        let path = directory + "/cut.zst"
        _ = FileManager.default.createFile(atPath: path, contents: Data(frame[..<(frame.count * 2 / 3)]))
        XCTAssertThrowsError(try readLines(path)) { error in
            XCTAssertTrue(error is InputError, "\(error)")
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
        let garbage = directory + "/bad.zst"
        // A frame header descriptor with its reserved bit set.
        _ = FileManager.default.createFile(atPath: garbage, contents: Data(Zstd.magic + [0x08] + [UInt8](repeating: 0, count: 16)))
        XCTAssertThrowsError(try readLines(garbage)) { XCTAssertTrue("\($0)".contains("bad.zst"), "\($0)") }
    }

    func testChecksumMismatchOfACLIFileIsAThrownError() throws {
        try requireCLI()
        let plain = directory + "/names.txt"
        _ = FileManager.default.createFile(atPath: plain, contents: Data(nameLines(5000)))
        XCTAssertEqual(try run(Self.cli, ["-q", "-f", "--check", plain, "-o", plain + ".zst"]), 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain + ".zst")))
        XCTAssertTrue(try decode(bytes).bytes == nameLines(5000))
        // The last 4 bytes are the content checksum: a flipped bit there is caught.
        bytes[bytes.count - 2] ^= 0x10
        XCTAssertThrowsError(try decode(bytes)) { XCTAssertTrue($0 is ZstdError, "\($0)") }
    }

    // MARK: the zstd CLI

    func testFilesWrittenByTheZstdCLIDecode() throws {
        try requireCLI()
        let data = nameLines(8_000) + randomBytes(100_000, seed: 4)
        let plain = directory + "/data.bin"
        _ = FileManager.default.createFile(atPath: plain, contents: Data(data))
        for flags in [["-1"], ["-19"], ["--long=27"], ["-3", "--no-check"], ["-T2", "-3"]] {
            let packed = directory + "/data.bin.zst"
            XCTAssertEqual(try run(Self.cli, ["-q", "-f"] + flags + [plain, "-o", packed]), 0, "\(flags)")
            let frame = [UInt8](try Data(contentsOf: URL(fileURLWithPath: packed)))
            for chunk in [4093, 1 << 20] {
                let (back, complete) = try decode(frame, chunk: chunk)
                XCTAssertTrue(back == data, "\(flags), chunks of \(chunk)")
                XCTAssertTrue(complete, "\(flags)")
            }
        }
    }

    func testTheZstdCLIReadsWhatTheEncoderWrites() throws {
        try requireCLI()
        let data = nameLines(30_000) + randomBytes(100_000, seed: 6)
        let packed = directory + "/ours.zst"
        _ = FileManager.default.createFile(atPath: packed, contents: Data(try encode(data, pieceSize: 10_000, level: 9)))
        XCTAssertEqual(try run(Self.cli, ["-q", "-t", packed]), 0, "zstd --test accepts the frame")
        XCTAssertEqual(try run(Self.cli, ["-q", "-d", "-f", packed, "-o", directory + "/ours.out"]), 0)
        XCTAssertTrue([UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/ours.out"))) == data)
    }

    func testLineReaderReadsACLICompressedFileAndItsConcatenation() throws {
        try requireCLI()
        let first = (0..<50_000).map { "a\($0).example.com" }, second = (0..<10).map { "b\($0).example.net" }
        let one = directory + "/one.txt", two = directory + "/two.txt"
        _ = FileManager.default.createFile(atPath: one, contents: Data((first.joined(separator: "\n") + "\n").utf8))
        _ = FileManager.default.createFile(atPath: two, contents: Data((second.joined(separator: "\r\n")).utf8))  // CRLF, no final newline
        XCTAssertEqual(try run(Self.cli, ["-q", "-f", one, two]), 0)
        XCTAssertEqual(try readLines(one + ".zst"), first)
        // `cat a.zst b.zst` is a valid zstd stream: both frames, in order.
        let both = directory + "/both.zst"
        _ = FileManager.default.createFile(atPath: both, contents: try Data(contentsOf: URL(fileURLWithPath: one + ".zst")) + Data(contentsOf: URL(fileURLWithPath: two + ".zst")))
        XCTAssertEqual(try readLines(both), first + second)
        // An empty file compressed is one empty frame: no lines, no error.
        let empty = directory + "/empty.txt"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertEqual(try run(Self.cli, ["-q", "-f", empty]), 0)
        XCTAssertEqual(try readLines(empty + ".zst"), [])
    }
}
