import XCTest
final class ModelStoreSmokeTests: XCTestCase { func testBuilds() {} }
