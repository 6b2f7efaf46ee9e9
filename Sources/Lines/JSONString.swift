import Foundation

/// A JSON string literal for `s` (quotes, escapes); the one escaper every JSON writer here uses.
package func jsonString(_ s: String) -> String {
    var r = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": r += "\\\""
        case "\\": r += "\\\\"
        case "\n": r += "\\n"
        case "\r": r += "\\r"
        case "\t": r += "\\t"
        case _ where scalar.value < 0x20: r += String(format: "\\u%04x", scalar.value)
        default: r.unicodeScalars.append(scalar)
        }
    }
    return r + "\""
}
