import Foundation
import XCTest

/// Every command that writes a file refuses one that is not a regular file or is one of its inputs (exit 5),
/// and a model that cannot be written is an output error, not a model error.
final class OutputSafetyTests: CLITestCase {
    func corpus() -> String {
        write("tiny.tsv", (0..<20).map { "ads\($0).example.com\tads\nwww.shop\($0).org\tsite" }.joined(separator: "\n") + "\n")
    }

    let small = ["--bucket-bits", "10", "--dim", "4", "--epochs", "1"]

    func fifo(_ name: String) -> String {
        let path = directory + "/" + name
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        return path
    }

    func isFIFO(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    }

    /// As root, `--out /dev/full` used to rename a regular file over the device; a FIFO stands in for it here.
    func testTrainRefusesAnOutputThatIsNotARegularFile() throws {
        let out = fifo("model.dcm")
        let r = try domcat(["train", corpus(), "--out", out] + small)
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("not a regular file"), r.stderr)
        XCTAssertTrue(isFIFO(out), "the FIFO is still there")
    }

    func testTrainRefusesToOverwriteItsInputs() throws {
        let same = corpus()
        let before = try String(contentsOfFile: same, encoding: .utf8)
        let r = try domcat(["train", same, "--out", same] + small)
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("is the input"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: same, encoding: .utf8), before)
        // Another spelling of the same file (a symlink) is the same input.
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.tsv", withDestinationPath: same)
        XCTAssertEqual(try domcat(["train", same, "--out", directory + "/link.tsv"] + small).status, 5)
        let valid = write("valid.tsv", before)
        let r2 = try domcat(["train", same, "--valid", valid, "--out", valid] + small)
        XCTAssertEqual(r2.status, 5, "the validation file is an input too: \(r2.stderr)")
        XCTAssertEqual(try String(contentsOfFile: valid, encoding: .utf8), before)
    }

    func testSplitAndImportRefuseTheirInputsAndDevices() throws {
        // The corpus is the folder's train.tsv: splitting into that folder would overwrite it.
        try FileManager.default.createDirectory(atPath: directory + "/split", withIntermediateDirectories: true)
        let inside = directory + "/split/train.tsv"
        try FileManager.default.copyItem(atPath: corpus(), toPath: inside)
        let before = try String(contentsOfFile: inside, encoding: .utf8)
        let split = try domcat(["split", inside, "--out", directory + "/split"])
        XCTAssertEqual(split.status, 5, split.stderr)
        XCTAssertEqual(try String(contentsOfFile: inside, encoding: .utf8), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/split/test.tsv"), "nothing written")

        let list = write("list.txt", "||ads.example.com^\n||tracker.example.net^\n")
        let abp = try domcat(["import", "abp", list, "--label", "ads", "--out", list])
        XCTAssertEqual(abp.status, 5, abp.stderr)
        XCTAssertEqual(try String(contentsOfFile: list, encoding: .utf8), "||ads.example.com^\n||tracker.example.net^\n")
        let pipe = fifo("corpus.tsv")
        XCTAssertEqual(try domcat(["import", "abp", list, "--label", "ads", "--out", pipe]).status, 5)
        XCTAssertTrue(isFIFO(pipe))
        XCTAssertEqual(try domcat(["import", "abp", list, "--label", "ads", "--out", directory + "/ok.tsv"]).status, 0)
    }

    /// A model that cannot be written is an output problem (5), not a model problem (3).
    func testUnwritableModelExitsFive() throws {
        let r = try domcat(["train", corpus(), "--out", "/proc/nope.dcm"] + small)
        XCTAssertEqual(r.status, 5, r.stderr)
        XCTAssertTrue(r.stderr.contains("/proc/nope.dcm"), r.stderr)
        let folder = try domcat(["train", corpus(), "--out", directory + "/no/such/folder/m.dcm"] + small)
        XCTAssertEqual(folder.status, 5, folder.stderr)
    }

    /// An empty test file says nothing about the model: an input error, not "accuracy 0.0000".
    func testEvalOnAnEmptyFileIsAnInputError() throws {
        let model = directory + "/m.dcm"
        XCTAssertEqual(try domcat(["train", corpus(), "--out", model] + small).status, 0)
        let r = try domcat(["eval", model, write("empty.tsv", "")])
        XCTAssertEqual(r.status, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("no usable examples"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }
}
