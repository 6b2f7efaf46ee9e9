import Foundation
import Lines

enum JSONText {
    static func string(_ s: String) -> String { jsonString(s) }

    static func probability(_ p: Float) -> String { String(format: "%.4f", p) }
}
