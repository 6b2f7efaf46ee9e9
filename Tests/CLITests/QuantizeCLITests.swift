import Foundation
import TestSupport
import XCTest

/// `domcat quantize`, `train --quantize`, `--compress`, and a mapped model replaced under a running `serve`.
final class QuantizeCLITests: CLITestCase {
    var cache: [String: String] { ["DOMCAT_MODEL_CACHE": directory + "/cache"] }

    func labels(_ model: String, _ names: String) throws -> [String] {
        let r = try domcat(["classify", model, "-i", names, "--quiet", "--cache-entries", "0"], environment: cache)
        XCTAssertEqual(r.status, 0, r.stderr)
        return lines(r.stdout).map { columns($0)[1] }
    }

    func testQuantizedModelAnswersAsTheFloatOneAndEvaluates() throws {
        let float = try tinyLinearModel()
        let small = directory + "/small.dcm"
        var r = try domcat(["quantize", float, "--out", small, "--valid", tinyCorpus(30, name: "valid.tsv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("rows kept as int8"), r.stderr)
        XCTAssertTrue(r.stderr.contains("valid accuracy"), r.stderr)
        let names = write("names.txt", (0..<40).map { "ads\($0).adserv\($0 % 9).com\ntrack\($0).pixel3.net\nwww.shop\($0).org" }.joined(separator: "\n") + "\n")
        XCTAssertEqual(try labels(small, names), try labels(float, names))
        r = try domcat(["eval", small, tinyCorpus(50, name: "test.tsv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("examples 150  accuracy 1.0000"), r.stdout)
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: small)).prefix(4096), as: UTF8.self)
        XCTAssertTrue(header.contains("\"quantization\":{\"bits\":8}"), header)
        XCTAssertTrue(header.contains("\"quantizedFrom\""), header)

        // Pruned to a few rows by use, and shipped compressed: smaller, still a classifier.
        let pruned = directory + "/pruned.dcm"
        r = try domcat(["quantize", float, "--out", pruned, "--cutoff", "200", "--prune", "use", "--train", tinyCorpus(), "--compress"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("200 of 4096 rows kept"), r.stderr)
        XCTAssertLessThan(try size(pruned), try size(small))
        r = try domcat(["eval", pruned, directory + "/test.tsv"], environment: cache)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/cache"), "expanded into the model cache")
    }

    func testTrainQuantizeWritesTheSmallModel() throws {
        let model = directory + "/q.dcm"
        var r = try domcat(["train", tinyCorpus(), "--out", model, "--bucket-bits", "12", "--epochs", "3", "--threads", "1",
                            "--quantize", "--cutoff", "500", "--valid", tinyCorpus(30, name: "valid.tsv")])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try domcat(["eval", model, directory + "/valid.tsv", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"accuracy\" : 1,"), r.stdout)
        // It is not trained further, nor quantized again.
        r = try domcat(["train", tinyCorpus(), "--out", directory + "/more.dcm", "--init-model", model])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("quantized"), r.stderr)
        r = try domcat(["quantize", model, "--out", directory + "/again.dcm"])
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    /// In the registry a quantized model is a patch of its float model (same data, other settings), and
    /// `registry compare` reads it like any model.
    func testRegistryCountsQuantizingAsAPatch() throws {
        let float = try tinyLinearModel()
        let small = directory + "/small.dcm"
        XCTAssertEqual(try domcat(["quantize", float, "--out", small, "--cutoff", "400"]).status, 0)
        let environment = ["DOMCAT_REGISTRY": directory + "/registry", "USER": "tester"]
        var r = try domcat(["registry", "add", float], environment: environment)
        XCTAssertTrue(r.stdout.hasPrefix("1.0.0\t"), r.stdout + r.stderr)
        r = try domcat(["registry", "add", small], environment: environment)
        XCTAssertTrue(r.stdout.hasPrefix("1.0.1\t"), r.stdout + r.stderr)
        r = try domcat(["registry", "compare", "1.0.0", "1.0.1", tinyCorpus(30, name: "t.tsv")], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("verdict"), r.stdout)
    }

    /// `train --compress` ships a smaller file with the same version; it answers as the plain one.
    func testTrainCompressWritesTheShippingForm() throws {
        let common = [tinyCorpus(), "--bucket-bits", "12", "--epochs", "2", "--threads", "1", "--no-trained-names"]
        var r = try domcat(["train"] + common + ["--out", directory + "/plain.dcm"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try domcat(["train"] + common + ["--out", directory + "/shipped.dcm", "--compress"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(try size(directory + "/shipped.dcm"), try size(directory + "/plain.dcm"))
        let names = write("names.txt", "ads3.adserv3.com\ntrack4.pixel4.net\nwww.shop5.org\nunseen.example\n")
        let plain = try domcat(["classify", directory + "/plain.dcm", "-i", names, "--quiet"], environment: cache)
        let shipped = try domcat(["classify", directory + "/shipped.dcm", "-i", names, "--quiet"], environment: cache)
        XCTAssertEqual(shipped.status, 0, shipped.stderr)
        XCTAssertEqual(shipped.stdout, plain.stdout)
    }

    func testRefusalsAndDamage() throws {
        let gbdt = try tinyGBDTModel()
        var r = try domcat(["quantize", gbdt, "--out", directory + "/g.dcm"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("only linear models"), r.stderr)
        r = try domcat(["quantize", gbdt, "--out", directory + "/g.dcm", "--prune", "norm"])
        XCTAssertEqual(r.status, 2, r.stderr)
        r = try domcat(["train", tinyCorpus(), "--out", directory + "/x.dcm", "--cutoff", "10"])
        XCTAssertEqual(r.status, 2, r.stderr)
        let float = try tinyLinearModel()
        let small = directory + "/small.dcm"
        XCTAssertEqual(try domcat(["quantize", float, "--out", small]).status, 0)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: small)))
        bytes[bytes.count - 200] ^= 0x55
        try Data(bytes).write(to: URL(fileURLWithPath: small))
        for command in [["eval", small, tinyCorpus()], ["classify", small], ["quantize", small, "--out", directory + "/z.dcm"]] {
            r = try domcat(command, stdin: Data("example.com\n".utf8))
            XCTAssertEqual(r.status, 3, "\(command): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("is corrupt"), r.stderr)
        }
        try Data(bytes.prefix(5000)).write(to: URL(fileURLWithPath: small))
        XCTAssertEqual(try domcat(["classify", small], stdin: Data("example.com\n".utf8)).status, 3)
    }

    /// A new model renamed over the mapped file and a SIGHUP: the running server keeps answering (from the
    /// old mapping, then the new model), never faults.
    func testModelReplacedByRenameUnderRunningServe() throws {
        let float = try tinyLinearModel()
        let live = directory + "/live.dcm"
        XCTAssertEqual(try domcat(["quantize", float, "--out", live]).status, 0)
        let serve = try BenchCLITests.Serve(model: live, directory: directory)
        defer { _ = serve.stop() }
        XCTAssertEqual(try ask(serve.linePort, "ads1.adserv1.com").first, "ads")
        let next = directory + "/next.dcm"
        XCTAssertEqual(try domcat(["quantize", float, "--out", next, "--cutoff", "300"]).status, 0)
        XCTAssertEqual(rename(next, live), 0)
        XCTAssertEqual(try ask(serve.linePort, "track2.pixel2.net").first, "tracking", "the old mapping still answers")
        kill(serve.process.processIdentifier, SIGHUP)
        var metrics = ""
        for _ in 0..<300 where !metrics.contains("domcat_model_reloads_total{result=\"ok\"} 1") {
            usleep(10_000)
            metrics = loopbackGet(port: serve.httpPort, path: "/metrics") ?? ""
        }
        XCTAssertTrue(metrics.contains("domcat_model_reloads_total{result=\"ok\"} 1"), metrics)
        XCTAssertEqual(try ask(serve.linePort, "www.shop3.org").first, "site")
        XCTAssertTrue(serve.process.isRunning)
    }

    /// One name over the line protocol; the answer's columns.
    func ask(_ port: Int, _ name: String) throws -> [String] {
        let fd = try XCTUnwrap(connectLoopback(port: port))
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array((name + "\n").utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var line: [UInt8] = [], byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 10 { line.append(byte) }
        return Array(columns(String(decoding: line, as: UTF8.self)).dropFirst())
    }

    func size(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
}
