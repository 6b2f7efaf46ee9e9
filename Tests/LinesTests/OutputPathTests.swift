import Foundation
import XCTest
@testable import Lines

final class OutputPathTests: XCTestCase {
    func testRefusesDevicesFoldersAndInputs() throws {
        let directory = NSTemporaryDirectory() + "output-path-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/in.tsv", other = directory + "/out.tsv"
        FileManager.default.createFile(atPath: input, contents: Data("a.com\tads\n".utf8))
        FileManager.default.createFile(atPath: other, contents: Data())

        func refusal(_ path: String, _ inputs: [String] = [input]) -> String? {
            do { try OutputPath.check(path, inputs: inputs); return nil } catch { return "\(error)" }
        }
        XCTAssertNil(refusal(other), "an existing regular file that is no input may be replaced")
        XCTAssertNil(refusal(directory + "/new.dcm"))
        XCTAssertNil(refusal("-"))
        XCTAssertEqual(refusal("/dev/full"), "refusing to write /dev/full: it exists and is a character device, not a regular file")
        XCTAssertEqual(refusal(directory), "refusing to write \(directory): it exists and is a folder, not a regular file")
        XCTAssertEqual(refusal(input), "refusing to write \(input): it is the input \(input)")
        XCTAssertEqual(refusal(directory + "/./in.tsv"), "refusing to write \(directory)/./in.tsv: it is the input \(input)")
        XCTAssertEqual(refusal(directory + "/none/m.dcm"), "cannot write \(directory)/none/m.dcm: no folder \(directory)/none")
        XCTAssertEqual(refusal(input + "/m.dcm"), "cannot write \(input)/m.dcm: \(input) is not a folder")
    }
}
