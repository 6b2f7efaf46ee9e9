import XCTest
@testable import Corpora

final class FilterListTests: XCTestCase {
    /// One line per rule form the reader must tell apart.
    let sample = """
    [Adblock Plus 2.0]
    ! Title: sample list
    ! Homepage: https://example.org/
    # a hosts-file comment

    ||ads.example.com^
    ||Tracker.Example.NET.^$third-party,script
    ||popunder.test^$popup,domain=video.example
    ||important.example^$important
    @@||important.example^
    ||noanchor.example$third-party
    ||bare-anchor.example
    ||piped.example^|
    ||www.wwwstripped.example^
    ||www.example^
    ||unblocked.example^
    @@||unblocked.example^
    ||partly.example^
    @@||partly.example^$domain=news.example
    ||cancelled.example^
    ||cancelled.example^$badfilter
    ||csp.example^$csp=script-src 'self'
    ||removeparam.example^$removeparam=utm_source
    @@||generichide.example^$generichide
    ||host.example/path/ad.js
    ||ads.*.example^
    ||*.wildcard.example^
    ||host.example:8080^
    ||142.91.159.
    ||10.0.0.1^
    ||prefix.
    ||under_score.example^
    /banner/*/ad.
    -ad-banner.
    &ad_slot=
    0.0.0.0 hosts-zero.example
    127.0.0.1 hosts-loop.example hosts-second.example # two on one line
    0.0.0.0 localhost.localdomain
    0.0.0.0 0.0.0.0
    bare.example.org
    adsbygoogle.js
    -didomi.js
    shop.example,~blog.shop.example,google.*,www.news.example##.ad-box
    other.example#@#.sponsored
    procedural.example#?#div:has-text(Sponsored)
    scriptlet.example##+js(set-constant, ads, false)
    adguard.example#$#.banner { display: none!important; }
    ~negated-only.example##.ad
    ##.generic-ad
    *##.generic-star
    пример.example##.ad
    ||fragment.example/page#ad
    !#if false
    ||parked.example^
    parked-site.example##.ad
    !#else
    ||else-branch.example^
    !#endif
    !#if env_firefox
    ||firefox-only.example^
    !#else
    ||other-browsers.example^
    !#endif
    """

    func testEveryRuleForm() {
        let hosts = FilterList.parse(sample)
        XCTAssertEqual(hosts.blocked, [
            "ads.example.com",
            "bare-anchor.example",
            "bare.example.org",
            "else-branch.example",
            "firefox-only.example",
            "hosts-loop.example",
            "hosts-second.example",
            "hosts-zero.example",
            "important.example",
            "noanchor.example",
            "other-browsers.example",
            "partly.example",
            "piped.example",
            "popunder.test",
            "tracker.example.net",
            "under_score.example",
            "www.example",
            "wwwstripped.example",
        ])
        XCTAssertEqual(hosts.cosmeticSites, [
            "adguard.example",
            "news.example",
            "other.example",
            "procedural.example",
            "scriptlet.example",
            "shop.example",
        ])
    }

    func testSkippedLinesCountOnlyRulesThatNameNoHost() {
        let hosts = FilterList.parse("""
        ! comment
        [Adblock Plus 2.0]

        ||ads.example^
        ||ads.example/path
        ##.generic
        @@||ads.example^$domain=site.example
        !#if false
        ||parked.example^
        !#endif
        """)
        XCTAssertEqual(hosts.blocked, ["ads.example"])
        XCTAssertEqual(hosts.skippedLines, 4)
    }

    func testWindowsLineEndsAndSurroundingBlanks() {
        let hosts = FilterList.parse("||one.example^\r\n  ||two.example^  \r\nsite.example##.ad\r\n")
        XCTAssertEqual(hosts.blocked, ["one.example", "two.example"])
        XCTAssertEqual(hosts.cosmeticSites, ["site.example"])
    }

    func testHostNormalisation() {
        func normalised(_ text: String) -> String? {
            var text = text
            return text.withUTF8 { HostName.normalised($0) }
        }
        XCTAssertEqual(normalised("WWW.Example.COM."), "example.com")
        XCTAssertEqual(normalised("xn--e1afmkfd.xn--p1ai"), "xn--e1afmkfd.xn--p1ai")
        XCTAssertEqual(normalised("_dmarc.example.com"), "_dmarc.example.com")
        XCTAssertNil(normalised("localhost"))
        XCTAssertNil(normalised("192.168.0.1"))
        XCTAssertNil(normalised("-bad.example"))
        XCTAssertNil(normalised("a..example"))
        XCTAssertNil(normalised("ex ample.com"))
        XCTAssertNil(normalised(String(repeating: "a", count: 64) + ".com"))
        XCTAssertNil(normalised("example.c_m"))
    }
}
