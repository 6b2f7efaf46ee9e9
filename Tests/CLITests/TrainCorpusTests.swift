import Foundation
import XCTest

/// What `train` (and the other corpus readers) make of corpora that are not what they should be: a header,
/// names labelled two ways, labels that cannot be labels, too few labels; and continuing a model.
final class TrainCorpusTests: CLITestCase {
    let small = ["--bucket-bits", "10", "--dim", "4", "--epochs", "1"]

    func examples(_ n: Int = 20) -> [String] {
        (0..<n).flatMap { ["ads\($0).example.com\tads", "www.shop\($0).org\tsite"] }
    }

    func testHeaderRowIsSkippedNotALabel() throws {
        let model = directory + "/m.dcm"
        let r = try domcat(["train", write("c.tsv", (["domain\tlabel"] + examples()).joined(separator: "\n")), "--out", model] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try header(model)["labels"] as? [String], ["ads", "site"])
        XCTAssertEqual(try header(model)["trainingExamples"] as? Int, 40)
    }

    func testConflictingLabelsAreCountedAndFollowThePolicy() throws {
        let lines = examples() + ["ads3.example.com\tsite", "www.shop4.org\tads", "www.shop4.org\tsite"]
        let corpus = write("c.tsv", lines.joined(separator: "\n"))
        let model = directory + "/m.dcm"
        let keep = try domcat(["train", corpus, "--out", model] + small)
        XCTAssertEqual(keep.status, 0, keep.stderr)
        XCTAssertTrue(keep.stderr.contains("2 names have two different labels"), keep.stderr)
        XCTAssertTrue(keep.stderr.contains("ads3.example.com: ads, site"), keep.stderr)
        XCTAssertEqual(try header(model)["trainingExamples"] as? Int, 41, "the one ads3 line under its second label is gone")

        let drop = try domcat(["train", corpus, "--out", model, "--conflicts", "drop"] + small)
        XCTAssertEqual(drop.status, 0, drop.stderr)
        XCTAssertEqual(try header(model)["trainingExamples"] as? Int, 38, "every example of the two names is gone")

        let fail = try domcat(["train", corpus, "--out", directory + "/f.dcm", "--conflicts", "fail"] + small)
        XCTAssertEqual(fail.status, 4, fail.stderr)
        XCTAssertTrue(fail.stderr.contains("2 names have two different labels"), fail.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/f.dcm"))

        let usage = try domcat(["train", corpus, "--out", model, "--conflicts", "vote"] + small)
        XCTAssertEqual(usage.status, 2, usage.stderr)
        XCTAssertTrue(usage.stderr.contains("keep-first"), usage.stderr)
    }

    func testLabelsWithWhitespaceOrControlCharactersAreErrors() throws {
        for (label, problem) in [("my site", "contains whitespace"), ("ads\u{1}", "contains a control character"), ("ads\tsite", "contains whitespace")] {
            let corpus = write("c.tsv", (examples(3) + ["x.example.com\t\(label)"] + examples(2)).joined(separator: "\n"))
            let r = try domcat(["train", corpus, "--out", directory + "/m.dcm"] + small)
            XCTAssertEqual(r.status, 4, "\(label): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("c.tsv:7: label '"), r.stderr)
            XCTAssertTrue(r.stderr.contains(problem), r.stderr)
            let tokens = try domcat(["tokens", corpus])
            XCTAssertEqual(tokens.status, 4, tokens.stderr)
            XCTAssertFalse(tokens.stdout.contains("__label__my site"))
        }
        XCTAssertEqual(try domcat(["import", "abp", write("l.txt", "||a.com^\n"), "--label", "my site"]).status, 2)
    }

    func testFewerThanTwoLabelsIsAnError() throws {
        for lines in [["ads1.example.com\tads"], (0..<30).map { "ads\($0).example.com\tads" }] {
            let r = try domcat(["train", write("c.tsv", lines.joined(separator: "\n")), "--out", directory + "/m.dcm"] + small)
            XCTAssertEqual(r.status, 4, r.stderr)
            XCTAssertTrue(r.stderr.contains("only the label 'ads'"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/m.dcm"))
    }

    /// "empty label" read like a missing class label; the messages say which part of the line is wrong.
    func testBadLineMessagesSayWhichPartIsWrong() throws {
        let corpus = write("c.tsv", (examples(5) + ["a..b.com\tads", "\tsite", "c.com\t"]).joined(separator: "\n"))
        let r = try domcat(["train", corpus, "--out", directory + "/m.dcm"] + small)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("c.tsv:11: empty DNS label in name"), r.stderr)
        XCTAssertTrue(r.stderr.contains("c.tsv:12: missing name"), r.stderr)
        XCTAssertTrue(r.stderr.contains("c.tsv:13: missing label"), r.stderr)
    }

    /// `tokens` on names without labels said nothing and wrote nothing.
    func testTokensOnPlainNames() throws {
        let names = write("names.txt", "a.example.com\nb.example.org\n")
        let labelled = try domcat(["tokens", names])
        XCTAssertEqual(labelled.status, 4, labelled.stderr)
        XCTAssertTrue(labelled.stderr.contains("--unlabelled"), labelled.stderr)
        let unlabelled = try domcat(["tokens", names, "--unlabelled"])
        XCTAssertEqual(unlabelled.status, 0, unlabelled.stderr)
        XCTAssertEqual(unlabelled.stdout.split(separator: "\n").map { String($0.split(separator: " ")[0]) }, ["a.example.com", "b.example.org"])
    }

    /// `--init-model` continues the model's own kind; another `--kind` is a usage error, fasttext cannot continue.
    func testContinuingTakesTheKindFromTheModel() throws {
        let gbdt = directory + "/g.dcm"
        let corpus = write("c.tsv", examples(60).joined(separator: "\n"))
        let gbdtOptions = ["--kind", "gbdt", "--features", "2+2", "--rounds", "3"]
        XCTAssertEqual(try domcat(["train", corpus, "--out", gbdt] + small + gbdtOptions).status, 0)
        let more = write("more.tsv", (0..<40).map { "news\($0).daily.net\tnews" }.joined(separator: "\n"))
        let next = try domcat(["train", more, "--init-model", gbdt, "--out", directory + "/g2.dcm", "--rounds", "3"] + small)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try header(directory + "/g2.dcm")["kind"] as? String, "gbdt")
        XCTAssertEqual(try header(directory + "/g2.dcm")["labels"] as? [String], ["ads", "site", "news"])

        let other = try domcat(["train", more, "--init-model", gbdt, "--kind", "linear", "--out", directory + "/x.dcm"] + small)
        XCTAssertEqual(other.status, 2, other.stderr)
        XCTAssertTrue(other.stderr.contains("--kind linear does not match"), other.stderr)
        let fasttext = try domcat(["train", more, "--init-model", gbdt, "--kind", "fasttext", "--out", directory + "/x.dcm"] + small)
        XCTAssertEqual(fasttext.status, 2, fasttext.stderr)
        XCTAssertTrue(fasttext.stderr.contains("cannot continue"), fasttext.stderr)
        XCTAssertTrue(try domcat(["train", "--help"]).stdout.contains("A fasttext model cannot be continued"))
    }

    /// `--batch-size`: the header counts and digests the whole corpus, as a run without batches does.
    func testBatchesRecordTheWholeCorpus() throws {
        let corpus = write("c.tsv", examples(60).joined(separator: "\n"))
        let options = ["--kind", "gbdt", "--features", "2+2", "--rounds", "3"] + small
        XCTAssertEqual(try domcat(["train", corpus, "--out", directory + "/whole.dcm"] + options).status, 0)
        let batched = try domcat(["train", corpus, "--out", directory + "/batched.dcm", "--batch-size", "50"] + options)
        XCTAssertEqual(batched.status, 0, batched.stderr)
        let whole = try header(directory + "/whole.dcm"), header = try header(directory + "/batched.dcm")
        XCTAssertEqual(header["trainingExamples"] as? Int, 120)
        XCTAssertEqual(header["corpusDigest"] as? String, whole["corpusDigest"] as? String)
    }

    /// The rehearsal flags: the sample's bound (checked), none kept, and a continuation with and without it.
    func testRehearsalFlags() throws {
        let corpus = write("c.tsv", examples(30).joined(separator: "\n"))
        let model = directory + "/m.dcm"
        let bad = try domcat(["train", corpus, "--out", model, "--rehearsal-size", "-1"] + small)
        XCTAssertEqual(bad.status, 2, bad.stderr)
        let first = try domcat(["train", corpus, "--out", model, "--rehearsal-size", "10"] + small)
        XCTAssertEqual(first.status, 0, first.stderr)
        let more = write("more.tsv", (0..<5).map { "news\($0).paper.net\tnews" }.joined(separator: "\n"))
        let next = try domcat(["train", more, "--init-model", model, "--out", directory + "/m2.dcm"] + small)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("rehearsal: 10 names the model was trained on before join the 5 new ones"), next.stderr)
        let alone = try domcat(["train", more, "--init-model", model, "--out", directory + "/m3.dcm", "--no-rehearsal"] + small)
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("--no-rehearsal: continuing on the new batch alone"), alone.stderr)
        XCTAssertFalse(alone.stderr.contains("rehearsal: 10 names"), alone.stderr)
    }

    /// `split --stratified` writes the three parts, every registrable name in one of them.
    func testStratifiedSplit() throws {
        let lines = (0..<50).flatMap { ["a\($0).site\($0 % 17).com\tads", "b\($0).shop\($0).org\tsite", "c\($0).rare\($0).net\trare"] }
        let corpus = write("c.tsv", lines.prefix(110).joined(separator: "\n"))
        let r = try domcat(["split", corpus, "--out", directory + "/s", "--stratified", "--psl", write("psl.dat", "com\norg\nnet\n")])
        XCTAssertEqual(r.status, 0, r.stderr)
        var partOf: [String: String] = [:]
        var rareIn: Set<String> = []
        for part in ["train", "valid", "test"] {
            for line in try String(contentsOfFile: directory + "/s/\(part).tsv", encoding: .utf8).split(separator: "\n") {
                let name = String(line.split(separator: "\t")[0])
                let key = name.split(separator: ".").suffix(2).joined(separator: ".")
                XCTAssertEqual(partOf[key, default: part], part, key)
                partOf[key] = part
                if line.hasSuffix("\trare") { rareIn.insert(part) }
            }
        }
        XCTAssertEqual(rareIn, ["train", "valid", "test"], "36 names of a label: some in every part")
    }
}
