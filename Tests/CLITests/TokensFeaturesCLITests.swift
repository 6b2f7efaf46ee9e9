import Foundation
import XCTest

/// `domcat tokens` (a corpus in fastText's format, domcat's word tokens) and `domcat features`
/// (a gbdt model's feature rows as TSV).
final class TokensCLITests: CLITestCase {
    func testTokensOfTheREADMEExampleAndOneLinePerGoodCorpusLine() throws {
        let corpus = write("c.tsv", """
        mail2.google-ads.co.uk\tads
        WWW.Example.COM.\tsite
        no tab here
        bad..name\tads
        x.com\t
        bücher.de\tsite

        """)
        let r = try domcat(["tokens", corpus])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The README: the whole name, the registrable name, the public suffix, the labels and their sub-tokens.
        XCTAssertEqual(lines(r.stdout), [
            "__label__ads mail2.google-ads.co.uk google-ads.co.uk co.uk mail2 mail 2 google-ads google ads",
            "__label__site www.example.com example.com com www example",
            "__label__site xn--bcher-kva.de xn--bcher-kva.de de xn--bcher-kva xn bcher kva",
        ])
        let unlabelled = try domcat(["tokens", corpus, "--unlabelled"])
        XCTAssertEqual(unlabelled.status, 0, unlabelled.stderr)
        // Names alone: a line whose label is missing still has a name.
        XCTAssertEqual(lines(unlabelled.stdout), [
            "mail2.google-ads.co.uk google-ads.co.uk co.uk mail2 mail 2 google-ads google ads",
            "www.example.com example.com com www example",
            "x.com x.com com x",
            "xn--bcher-kva.de xn--bcher-kva.de de xn--bcher-kva xn bcher kva",
        ])
    }

    func testEveryNameOfALargerCorpusGivesOneLineInOrder() throws {
        let corpus = tinyCorpus(300)
        let r = try domcat(["tokens", corpus])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = lines(r.stdout)
        let input = lines(try String(contentsOfFile: corpus, encoding: .utf8))
        XCTAssertEqual(out.count, input.count)
        for (tokens, line) in zip(out, input) {
            let fields = columns(line)
            let words = tokens.split(separator: " ").map(String.init)
            XCTAssertEqual(words.first, "__label__" + fields[1])
            XCTAssertEqual(words.dropFirst().first, fields[0], "the whole name comes first")
        }
    }

    func testZstdCorpusAndMissingFile() throws {
        let zstd = "/usr/bin/zstd"
        guard FileManager.default.isExecutableFile(atPath: zstd) else { throw XCTSkip("zstd CLI not installed") }
        let corpus = tinyCorpus(50)
        let compress = Process()
        compress.executableURL = URL(fileURLWithPath: zstd)
        compress.arguments = ["-q", "-f", corpus]
        try compress.run()
        compress.waitUntilExit()
        let plain = try domcat(["tokens", corpus])
        let packed = try domcat(["tokens", corpus + ".zst"])
        XCTAssertEqual(packed.status, 0, packed.stderr)
        XCTAssertEqual(packed.stdout, plain.stdout)
        XCTAssertEqual(lines(packed.stdout).count, 150)

        let missing = try domcat(["tokens", directory + "/absent.tsv"])
        XCTAssertEqual(missing.status, 4)
        XCTAssertTrue(missing.stderr.contains("cannot open"), missing.stderr)
    }
}

final class FeaturesCLITests: CLITestCase {
    func testOneRowPerLabelledNameUnderAHeader() throws {
        let model = try tinyGBDTModel()
        let names = write("names.tsv", """
        ads5.adserv1.com\tads
        www.shop3.org\tsite
        bad..x\tads
        track9.pixel2.net\ttracking
        ads5.adserv1.com\tads

        """)
        let r = try domcat(["features", model, names])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("skipped"), r.stderr)
        XCTAssertTrue(r.stderr.contains("names.tsv:3"), r.stderr)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 1 + 4, "a header, then one row per good line")
        let header = columns(out[0])
        // --features 4+3: projected columns pc1…, then 3 shape features' names, then the label.
        XCTAssertEqual(header.last, "label")
        let projected = header.prefix { $0.hasPrefix("pc") }
        XCTAssertEqual(Array(projected), (1...projected.count).map { "pc\($0)" })
        XCTAssertTrue((1...4).contains(projected.count), "\(header)")
        let shape = header.dropFirst(projected.count).dropLast()
        XCTAssertEqual(shape.count, 3, "\(header)")
        let shapeNames: Set<String> = ["length", "labels", "digit_ratio", "entropy", "longest_label", "hyphens", "vowel_ratio",
                                       "max_consonant_run", "subdomain_length", "suffix_labels", "underscores", "hex_ratio"]
        XCTAssertTrue(shape.allSatisfy(shapeNames.contains), "\(header)")
        let rows = out.dropFirst().map(columns)
        XCTAssertEqual(rows.map { $0.last! }, ["ads", "site", "tracking", "ads"])
        for row in rows {
            XCTAssertEqual(row.count, header.count)
            for value in row.dropLast() { XCTAssertTrue(Float(value)?.isFinite == true, "\(value) in \(row)") }
        }
        XCTAssertEqual(rows[0], rows[3], "the same name, the same numbers")
        XCTAssertNotEqual(rows[0], rows[1])
        // Shape values computed here: labels = 3 for every name above, length = bytes.
        if let i = header.firstIndex(of: "labels") { XCTAssertEqual(rows.map { Float($0[i]) }, [3, 3, 3, 3]) }
        if let i = header.firstIndex(of: "length") { XCTAssertEqual(rows.map { Float($0[i]) }, [16, 13, 17, 16]) }
    }

    func testRowsAreTheSameOnAnyNumberOfThreads() throws {
        let model = try tinyGBDTModel()
        let corpus = tinyCorpus(100, name: "more.tsv")
        let one = try domcat(["features", model, corpus, "--threads", "1"])
        let two = try domcat(["features", model, corpus, "--threads", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(lines(one.stdout).count, 301)
        XCTAssertEqual(one.stdout, two.stdout)
        let labels = lines(try String(contentsOfFile: corpus, encoding: .utf8)).map { columns($0)[1] }
        XCTAssertEqual(lines(one.stdout).dropFirst().map { columns($0).last! }, labels)
    }

    func testALinearModelOrAMissingFileIsAClearError() throws {
        let linear = try tinyLinearModel()
        let corpus = tinyCorpus(5, name: "c5.tsv")
        let r = try domcat(["features", linear, corpus])
        XCTAssertEqual(r.status, 3)
        XCTAssertTrue(r.stderr.contains("'linear' model; features come from a gbdt model"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        let noModel = try domcat(["features", directory + "/absent.dcm", corpus])
        XCTAssertEqual(noModel.status, 3)
        XCTAssertTrue(noModel.stderr.contains("no such file"), noModel.stderr)
        let gbdt = try tinyGBDTModel()
        let noCorpus = try domcat(["features", gbdt, directory + "/absent.tsv"])
        XCTAssertEqual(noCorpus.status, 4)
        XCTAssertTrue(noCorpus.stderr.contains("cannot open"), noCorpus.stderr)
    }
}
