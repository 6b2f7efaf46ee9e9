import Foundation
import XCTest

/// `domcat import default-corpus`, `import abp` and `import fasttext`, offline: filter lists written here or
/// Debian's uBlock Origin package, and a fastText model trained here by the fastText CLI.
final class ImportCLITests: CLITestCase {
    static let debianRoot = "/usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net"

    /// A uBlock Origin tree with the three lists the default corpus reads.
    func fakeRoot() throws -> String {
        let root = directory + "/ubo"
        for dir in ["/assets/thirdparties/easylist", "/assets/ublock"] {
            try FileManager.default.createDirectory(atPath: root + dir, withIntermediateDirectories: true)
        }
        _ = FileManager.default.createFile(atPath: root + "/assets/thirdparties/easylist/easylist.txt", contents: Data("""
        [Adblock Plus 2.0]
        ! Title: EasyList
        ||adserver.example^
        ||Banners.Example.NET^$third-party
        ||shared.example^
        ||doubled.example^
        news.example##.ad-banner
        /ads/*$image

        """.utf8))
        _ = FileManager.default.createFile(atPath: root + "/assets/thirdparties/easylist/easyprivacy.txt", contents: Data("""
        ! Title: EasyPrivacy
        ||pixel.example^
        ||shared.example^
        ||doubled.example^$script
        shop.example,blog.example##.tracker

        """.utf8))
        _ = FileManager.default.createFile(atPath: root + "/assets/ublock/badware.min.txt", contents: Data("""
        ! Title: uBlock₀ filters – Badware risks
        ||malware.example^$all
        ||scam.example^$doc

        """.utf8))
        return root
    }

    /// A UT1 and a v2fly corpus in their shipped format, small enough to reason about.
    func smallCorpora() -> [String] {
        let ut1 = write("ut1.tsv", """
        adserver.example\tpublicite
        casino.example\tgambling
        news.example\tpress
        pixel.example\tshopping
        weird.example\tunmapped

        """)
        let v2fly = write("v2fly.tsv", """
        casino.example\tgamblingco
        mail.service.example\tservice1
        shop.example\tshopco

        """)
        return ["--ut1", ut1, "--v2fly", v2fly]
    }

    func testCategorySetFromAListTreeAndSmallCorpora() throws {
        let root = try fakeRoot()
        let r = try domcat(["import", "default-corpus", "--set", "category", "--root", root] + smallCorpora())
        XCTAssertEqual(r.status, 0, r.stderr)
        // shared/doubled.example: ads and tracking in uBlock; pixel.example: tracking and UT1 shopping — dropped.
        // UT1 names get their category (publicite → ads, press → news); a cosmetic-rule site or a v2fly name
        // no list labels is `none`; an unmapped UT1 category is left out.
        XCTAssertEqual(lines(r.stdout), [
            "adserver.example\tads",
            "banners.example.net\tads",
            "blog.example\tnone",
            "casino.example\tgambling",
            "mail.service.example\tnone",
            "malware.example\tbadware",
            "news.example\tnews",
            "scam.example\tbadware",
            "shop.example\tnone",
        ])
        XCTAssertTrue(r.stderr.contains("category: 9 names, 5 labels"), r.stderr)

        let out = directory + "/corpus.tsv"
        let toFile = try domcat(["import", "default-corpus", "--set", "category", "--root", root, "--out", out] + smallCorpora())
        XCTAssertEqual(toFile.status, 0, toFile.stderr)
        XCTAssertEqual(toFile.stdout, "")
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), r.stdout)
        // The corpus is a corpus: it trains.
        let train = try domcat(["train", out, "--out", directory + "/d.dcm", "--bucket-bits", "10", "--dim", "4", "--epochs", "2"])
        XCTAssertEqual(train.status, 0, train.stderr)
    }

    func testServiceSetKeepsServicesAndSamplesNone() throws {
        let r = try domcat(["import", "default-corpus", "--set", "service", "--root", try fakeRoot()] + smallCorpora())
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = lines(r.stdout).map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(rows.filter { $0[1] != "none" }.map { $0[0] + " " + $0[1] },
                       ["casino.example gamblingco", "mail.service.example service1", "shop.example shopco"])
        // `none`: names of the other lists whose registrable domain no service holds, at most twice the services.
        let none = rows.filter { $0[1] == "none" }.map { $0[0] }
        XCTAssertEqual(none.count, 6)
        XCTAssertTrue(Set(none).isSubset(of: ["adserver.example", "banners.example.net", "blog.example", "malware.example",
                                               "news.example", "pixel.example", "scam.example", "weird.example"]), "\(none)")
        XCTAssertEqual(rows.map { $0[0] }, rows.map { $0[0] }.sorted())
    }

    func testDefaultCorpusWithoutTheListsIsAnInputError() throws {
        let r = try domcat(["import", "default-corpus", "--set", "category", "--root", directory + "/nothing-here"] + smallCorpora())
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.stderr.contains("install Debian's webext-ublock-origin-firefox or pass --root"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        let noCorpus = try domcat(["import", "default-corpus", "--set", "category", "--root", try fakeRoot(), "--ut1", directory + "/none.tsv"])
        XCTAssertEqual(noCorpus.status, 4, noCorpus.stderr)
        let unwritable = try domcat(["import", "default-corpus", "--set", "category", "--root", try fakeRoot(),
                                     "--out", directory + "/no/such/dir/c.tsv"] + smallCorpora())
        XCTAssertEqual(unwritable.status, 5, unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.contains("cannot write"), unwritable.stderr)
    }

    func testCategorySetFromDebiansUBlockOriginAndTheShippedCorpora() throws {
        let lists = Self.debianRoot + "/assets/thirdparties/easylist/easylist.txt"
        guard FileManager.default.fileExists(atPath: lists) else { throw XCTSkip("webext-ublock-origin-firefox not installed") }
        let r = try domcat(["import", "default-corpus", "--set", "category",
                            "--ut1", Self.corpora + "/ut1/ut1-2025-08-17.tsv.zst", "--v2fly", Self.corpora + "/v2fly/v2fly-2025-08-20.tsv.zst"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.utf8.split(separator: UInt8(ascii: "\n")).map { $0.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false) }
        XCTAssertGreaterThan(rows.count, 100_000)
        var counts: [String: Int] = [:]
        var previous: Substring.UTF8View? = nil
        var unsorted = 0, malformed = 0
        for row in rows {
            guard row.count == 2, let name = row.first, !name.isEmpty else { malformed += 1; continue }
            counts[String(decoding: row[1], as: UTF8.self), default: 0] += 1
            // Sorted by name, and no name twice (a host under two labels is dropped, not listed twice).
            if let previous, !previous.lexicographicallyPrecedes(name) { unsorted += 1 }
            if name.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) || name.last == UInt8(ascii: ".") { malformed += 1 }
            previous = name
        }
        XCTAssertEqual(malformed, 0, "every line: a lower-case name, no trailing dot, TAB, label")
        XCTAssertEqual(unsorted, 0, "strictly sorted by name")
        XCTAssertEqual(Set(counts.keys), [
            "ads", "tracking", "badware", "cryptojacking", "proxy", "shopping", "games", "gambling", "dating", "news", "fakenews", "shortener",
            "download", "streaming", "doh", "sports", "dynamic-dns", "bank", "finance", "blog", "warez", "social", "manga",
            "celebrity", "drugs", "jobsearch", "webmail", "hate", "vpn", "none",
        ])
        XCTAssertLessThanOrEqual(counts.values.max() ?? 0, 50_000, "no class over the cap")
        XCTAssertGreaterThan(counts["none"] ?? 0, 10_000)
    }

    func testABPListsUnderOneLabel() throws {
        let list = write("list.txt", """
        ||one.example^
        ||Two.Example^$third-party
        0.0.0.0 three.example
        site.example##.banner
        @@||allowed.example^

        """)
        let r = try domcat(["import", "abp", list, "--label", "ads"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(lines(r.stdout), ["one.example\tads", "three.example\tads", "two.example\tads"])
        let cosmetic = try domcat(["import", "abp", list, "--label", "ads", "--cosmetic"])
        XCTAssertEqual(lines(cosmetic.stdout), ["one.example\tads", "site.example\tsite", "three.example\tads", "two.example\tads"])
        let missing = try domcat(["import", "abp", directory + "/absent.txt", "--label", "ads"])
        XCTAssertEqual(missing.status, 4)
    }

    func testFastTextBinWrappedAsAModelAnswersAsTheBinDoes() throws {
        let fasttext = "/usr/bin/fasttext"
        guard FileManager.default.isExecutableFile(atPath: fasttext) else { throw XCTSkip("fasttext CLI not installed") }
        let words = ["ads", "track", "shop"]
        let training = (0..<600).map { i -> String in
            let w = words[i % 3]
            return "__label__\(w) \(w)\(i % 50).example\(i % 13).com"
        }
        let prefix = directory + "/ft"
        let train = Process()
        train.executableURL = URL(fileURLWithPath: fasttext)
        train.arguments = ["supervised", "-input", write("train.txt", training.joined(separator: "\n") + "\n"), "-output", prefix,
                           "-epoch", "10", "-dim", "8", "-bucket", "5000", "-minn", "2", "-maxn", "4", "-thread", "1", "-verbose", "0"]
        train.standardOutput = FileHandle.nullDevice
        try train.run()
        train.waitUntilExit()
        XCTAssertEqual(train.terminationStatus, 0)

        let model = directory + "/ft.dcm"
        let r = try domcat(["import", "fasttext", prefix + ".bin", "--out", model])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("3 labels"), r.stderr)
        let names = Data("ads3.example4.com\nSHOP7.example1.com.\n8.8.8.8\nbad..x\ntrack2.example9.com\n".utf8)
        let wrapped = try domcat(["classify", model, "--format", "jsonl", "--k", "3", "--quiet"], stdin: names)
        let direct = try domcat(["classify", "--fasttext-bin", prefix + ".bin", "--format", "jsonl", "--k", "3", "--quiet"], stdin: names)
        XCTAssertEqual(wrapped.status, 0, wrapped.stderr)
        XCTAssertEqual(lines(wrapped.stdout).count, 5)
        XCTAssertEqual(wrapped.stdout, direct.stdout)
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines(wrapped.stdout)[0].utf8)) as? [String: Any])
        XCTAssertEqual(Set((first["top"] as! [[String: Any]]).map { $0["label"] as! String }), ["ads", "track", "shop"])

        // The .dcm carries the fastText model's digest in its header; eval reads it as a fastText model.
        let eval = try domcat(["eval", model, write("c.tsv", "ads1.example1.com\tads\nshop2.example2.com\tshop\n"), "--json"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
    }

    func testFastTextImportOfAMissingOrForeignFileIsAModelError() throws {
        let missing = try domcat(["import", "fasttext", directory + "/absent.bin", "--out", directory + "/x.dcm"])
        XCTAssertEqual(missing.status, 3)
        XCTAssertTrue(missing.stderr.contains("absent.bin"), missing.stderr)
        let foreign = try domcat(["import", "fasttext", write("text.bin", "not a fastText model\n"), "--out", directory + "/x.dcm"])
        XCTAssertEqual(foreign.status, 3)
        XCTAssertTrue(foreign.stderr.contains("not a fastText model"), foreign.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/x.dcm"), "no model written")
    }
}
