import CFastText

/// A failure reported by libfasttext or by the model-file check in front of it.
package struct FastTextError: Error, CustomStringConvertible {
    package let message: String

    package init(message: String) {
        self.message = message
    }

    package var description: String { "fastText: \(message)" }
}

/// Calls a cfasttext function that reports failure through `char** err`,
/// turning a failed result into a thrown `FastTextError`.
func throwingFastTextError<Result>(
    _ call: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Result,
    succeeded: (Result) -> Bool
) throws -> Result {
    var message: UnsafeMutablePointer<CChar>?
    let result = call(&message)
    defer { cfasttext_free_string(message) }
    guard succeeded(result) else {
        throw FastTextError(message: message.map { String(cString: $0) } ?? "unknown error")
    }
    return result
}
