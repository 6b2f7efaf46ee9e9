import XCTest
final class LearnersSmokeTests: XCTestCase { func testBuilds() {} }
