import Foundation
import XCTest

/// Small corpora and models trained in well under a second by the built binary, for the CLI tests.
extension CLITestCase {
    /// A model's JSON header (after the magic, the format version and its length).
    func header(_ model: String) throws -> [String: Any] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
        let length = bytes[12..<16].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return try JSONSerialization.jsonObject(with: Data(bytes[16..<(16 + length)])) as! [String: Any]
    }

    /// Three labels whose names differ in their words: ads…adserv…com, track…pixel…net, www.shop….org.
    func tinyCorpus(_ count: Int = 200, name: String = "corpus.tsv") -> String {
        var lines: [String] = []
        for i in 0..<count {
            lines.append("ads\(i).adserv\(i % 9).com\tads")
            lines.append("track\(i).pixel\(i % 8).net\ttracking")
            lines.append("www.shop\(i).org\tsite")
        }
        return write(name, lines.joined(separator: "\n") + "\n")
    }

    /// A `linear` model on `tinyCorpus` (a 2^12 table, 8 dims, 3 epochs), without its trained names: the tests
    /// that use it look at the classifier's own answers.
    func tinyLinearModel(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let model = directory + "/linear.dcm"
        let r = try domcat(["train", tinyCorpus(), "--out", model, "--bucket-bits", "12", "--dim", "8", "--epochs", "3", "--threads", "1",
                            "--no-trained-names"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return model
    }

    /// A `gbdt` model on `tinyCorpus`: a tiny linear embedding, a few small trees; no trained names.
    func tinyGBDTModel(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let model = directory + "/gbdt.dcm"
        let r = try domcat(["train", "--kind", "gbdt", tinyCorpus(), "--out", model, "--bucket-bits", "12", "--dim", "8", "--epochs", "3",
                            "--features", "4+3", "--rounds", "10", "--leaves", "4", "--threads", "1", "--no-trained-names"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return model
    }

    /// Output lines without the final newline's empty piece (empty lines inside are kept).
    func lines(_ text: String) -> [String] {
        var pieces = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if pieces.last == "" { pieces.removeLast() }
        return pieces
    }

    func columns(_ line: String) -> [String] { line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}
