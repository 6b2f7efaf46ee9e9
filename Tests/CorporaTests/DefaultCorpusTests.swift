import Foundation
import XCTest
@testable import Corpora

final class DefaultCorpusTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("corpora-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testHostUnderTwoLabelsIsDropped() throws {
        let ads = try write("ads.txt", """
        ||ads.example^
        ||shared.example^
        ||both-lists.example^
        news.example##.ad
        """)
        let tracking = try write("tracking.txt", """
        ||pixel.example^
        ||shared.example^$third-party
        ||both-lists.example^
        ||ads.example^
        """)
        let sites = try write("sites.txt", """
        news.example,shop.example##.banner
        pixel.example##.x
        """)

        let (pairs, dropped) = try DefaultCorpus.build(
            lists: [LabelledSource(path: ads, label: "ads"), LabelledSource(path: tracking, label: "tracking")],
            cosmeticFrom: [ads, sites])

        XCTAssertEqual(pairs.map { "\($0.0) \($0.1)" }, [
            "news.example site",
            "shop.example site",
        ])
        XCTAssertEqual(dropped, 4)  // ads., shared., both-lists. (ads vs tracking), pixel. (tracking vs site)
    }

    func testSameHostTwiceUnderOneLabelIsKept() throws {
        let first = try write("a.txt", "||dup.example^\nsite.example##.ad\n")
        let second = try write("b.txt", "0.0.0.0 dup.example\nsite.example#@#.ad\n")
        let (pairs, dropped) = try DefaultCorpus.build(
            lists: [LabelledSource(path: first, label: "ads"), LabelledSource(path: second, label: "ads")],
            cosmeticFrom: [first, second])
        XCTAssertEqual(pairs.map { "\($0.0) \($0.1)" }, ["dup.example ads", "site.example site"])
        XCTAssertEqual(dropped, 0)
        XCTAssertEqual(DefaultCorpus.tsv(pairs), "dup.example\tads\nsite.example\tsite\n")
    }

    func testMissingFileThrows() {
        XCTAssertThrowsError(try DefaultCorpus.build(
            lists: [LabelledSource(path: directory.appendingPathComponent("none.txt").path, label: "ads")],
            cosmeticFrom: []))
    }

    func testDebianPackageCorpus() throws {
        let sources = DefaultCorpus.debianSources()
        for path in sources.lists.map(\.path) where !FileManager.default.fileExists(atPath: path) {
            throw XCTSkip("webext-ublock-origin-firefox not installed (\(path) missing)")
        }

        let (pairs, dropped) = try DefaultCorpus.build(lists: sources.lists, cosmeticFrom: sources.cosmeticFrom)
        var counts = [String: Int]()
        for (_, label) in pairs { counts[label, default: 0] += 1 }
        print("default corpus:", counts.sorted { $0.key < $1.key }, "conflicts dropped:", dropped)

        XCTAssertGreaterThan(counts["ads", default: 0], 5_000)
        XCTAssertGreaterThan(counts["tracking", default: 0], 5_000)
        XCTAssertGreaterThan(counts["badware", default: 0], 100)
        XCTAssertGreaterThan(counts["site", default: 0], 5_000)
        XCTAssertEqual(Set(counts.keys), ["ads", "tracking", "badware", "site"])

        let domains = pairs.map(\.0)
        XCTAssertEqual(domains, domains.sorted(), "sorted by domain")
        XCTAssertEqual(Set(domains).count, domains.count, "no host under two labels")
        let malformed = domains.filter { domain in
            domain.hasPrefix("www.") || domain.hasSuffix(".")
                || !domain.utf8.allSatisfy { HostName.isHostByte($0) || $0 == UInt8(ascii: ".") }
        }
        XCTAssertEqual(malformed, [], "normalised: lower-case, no www., no trailing dot")
    }
}
