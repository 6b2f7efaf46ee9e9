import DomainKit
import XCTest

final class NameScopeTests: XCTestCase {
    func testNamesThatAreNotForAModel() throws {
        let scope = NameScope(suffixes: try PublicSuffixList())
        func special(_ name: String) -> SpecialName? {
            guard case let .domain(domain) = DomainParser.parse(name) else { XCTFail(name); return nil }
            return scope.special(domain)
        }
        for name in ["localhost", "wpad", "com", "printer.local", "nas.lan", "router.home.arpa", "db.internal", "host.localdomain"] {
            XCTAssertEqual(special(name), .local, name)
        }
        for name in ["4.3.2.1.in-addr.arpa", "in-addr.arpa", "1.0.0.0.ip6.arpa"] { XCTAssertEqual(special(name), .reverse, name) }
        for name in ["printer.corp", "foo.invalid", "a.b.notatld"] { XCTAssertEqual(special(name), .nosuffix, name) }
        for name in ["example.com", "www.bbc.co.uk", "xn--bcher-kva.de", "a.b.c.github.io", "home.arpa.example.com", "local.com"] {
            XCTAssertNil(special(name), name)
        }
    }
}
