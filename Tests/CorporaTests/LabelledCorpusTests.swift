import Corpora
import DomainKit
import Foundation
import XCTest

final class LabelledCorpusTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "corpus-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func read(_ text: String, labels: CorpusReader.Labels = .required) throws -> LabelledCorpus {
        let path = directory + "/c.tsv"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return try LabelledCorpus.read(paths: [path], labels: labels)
    }

    func testHeaderCommentsAndBlankLinesAreNoExamples() throws {
        let corpus = try read("# hand-written\n\nDomain\tLabel\na.com\tads   # from list X\n  # indented\nb.com\tsite\n")
        XCTAssertEqual(corpus.domains.map(\.name), ["a.com", "b.com"])
        XCTAssertEqual(corpus.labels, ["ads", "site"])
        XCTAssertEqual(corpus.skipped, 0)
        // Only the first line with content can be a header.
        XCTAssertEqual(try read("a.com\tads\ndomain\tlabel\n").problems.count, 0)
        XCTAssertEqual(try read("a.com\tads\ndomain\tlabel\n").labels, ["ads", "label"])
    }

    func testBadLinesAreProblemsWithTheirReason() throws {
        let corpus = try read("a..b\tads\n\tsite\nc.com\t\nno-tab.com\n10.0.0.1\tads\n.\tads\nok.com\tads\n")
        XCTAssertEqual(corpus.count, 1)
        XCTAssertEqual(corpus.problems.map { String($0.split(separator: ":", maxSplits: 1)[1]) }, [
            "1: empty DNS label in name", "2: missing name", "3: missing label", "4: no TAB between domain and label",
            "5: an IP address, not a domain", "6: the root, not a domain",
        ])
    }

    func testALabelThatCannotBeOneIsAnError() throws {
        for (label, problem) in [("my site", "contains whitespace"), ("a\u{7}b", "contains a control character"), ("ads\textra", "contains whitespace")] {
            XCTAssertThrowsError(try read("a.com\tads\nb.com\t\(label)\n")) {
                XCTAssertEqual("\($0)", "\(directory)/c.tsv:2: label \(CorpusLabel.quoted(label)) \(problem)")
            }
        }
        XCTAssertEqual(CorpusLabel.quoted("a\u{7}b"), "'a\\u{07}b'")
    }

    func testNamesAloneWhenLabelsAreIgnored() throws {
        let corpus = try read("a.com\nb.com\tads\n", labels: .ignored)
        XCTAssertEqual(corpus.domains.map(\.name), ["a.com", "b.com"])
    }

    func testConflictPolicies() throws {
        let corpus = try read("a.com\tads\nb.com\tsite\na.com\tsite\na.com\tads\nc.com\tads\n")
        let conflicts = LabelConflicts(corpus)
        XCTAssertEqual(conflicts.count, 1)
        XCTAssertEqual(conflicts.labels, ["ads", "site"])
        let (kept, removed) = try conflicts.resolve(corpus, policy: .keepFirst)
        XCTAssertEqual(zip(kept.domains, kept.labels).map { "\($0.name) \($1)" }, ["a.com ads", "b.com site", "a.com ads", "c.com ads"])
        XCTAssertEqual(removed, 1)
        let (dropped, gone) = try conflicts.resolve(corpus, policy: .drop)
        XCTAssertEqual(dropped.domains.map(\.name), ["b.com", "c.com"])
        XCTAssertEqual(gone, 3)
        XCTAssertThrowsError(try conflicts.resolve(corpus, policy: .fail)) { XCTAssertTrue("\($0)".contains("a.com: ads, site"), "\($0)") }
        XCTAssertEqual(conflicts.summary(policy: .keepFirst, removed: 1),
                       "1 name has two different labels (a.com: ads, site): kept each one's first label, 1 example removed (--conflicts keep-first|drop|fail)")
    }

    /// Batch by batch, the digest is the one of the corpus read whole.
    func testDigestOfBatchesIsTheDigestOfTheWhole() throws {
        let whole = try read("a.com\tads\nb.com\tsite\nc.com\tads\n")
        var digest = CorpusDigest()
        for i in 0..<whole.count {
            var batch = LabelledCorpus()
            batch.append(whole.domains[i], whole.labels[i])
            digest.add(batch)
        }
        XCTAssertEqual(digest.value, whole.digest())
        XCTAssertEqual(digest.count, 3)
    }
}
