import XCTest
@testable import Lines

final class LineBatchTests: XCTestCase {
    private func lines(_ batch: LineBatch) -> [String] {
        (0..<batch.count).map { i in batch.withLine(i) { String(decoding: $0, as: UTF8.self) } }
    }

    func testLinesFromStringsKeepOrderAndBytes() {
        let batch = LineBatch(["a.com", "", "bücher.de"])
        XCTAssertEqual(batch.count, 3)
        XCTAssertEqual(lines(batch), ["a.com", "", "bücher.de"])
    }

    func testRemoveFirstKeepsTheRestBackToBack() {
        var batch = LineBatch(["one", "two", "three", "four"])
        batch.removeFirst(2)
        XCTAssertEqual(lines(batch), ["three", "four"])
        XCTAssertEqual(batch.bytes, Array("threefour".utf8))
        batch.removeFirst(0)
        XCTAssertEqual(lines(batch), ["three", "four"])
        batch.removeFirst(5)
        XCTAssertTrue(batch.isEmpty)
        XCTAssertTrue(batch.bytes.isEmpty)
    }

    func testRemoveFirstShiftsOverlongMarks() {
        var batch = LineBatch()
        for (i, line) in ["a", "b", "c"].enumerated() {
            var s = line
            s.withUTF8 { batch.append($0, overlong: i != 1) }
        }
        batch.removeFirst(1)
        XCTAssertEqual(batch.overlong, [1])
    }
}
