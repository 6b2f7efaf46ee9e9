import XCTest
final class DomainKitSmokeTests: XCTestCase { func testBuilds() {} }
