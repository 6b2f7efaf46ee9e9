import XCTest
final class StreamingSmokeTests: XCTestCase { func testBuilds() {} }
