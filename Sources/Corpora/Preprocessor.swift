import Foundation

/// uBO's `!#if COND` / `!#else` / `!#endif` blocks. The reader is no browser, so
/// only the literal conditions `true` and `false` are decided: content under
/// `!#if false` (uBO's way to park rules) is skipped, while both branches of an
/// environment test (`!#if env_firefox`) are read, as either may apply somewhere.
struct Preprocessor {
    private enum Branch { case taken, skipped, undecided }
    private var open: [Branch] = []

    /// True while the current line sits in no skipped branch.
    var isActive: Bool { !open.contains(.skipped) }

    /// Applies a `!#…` directive line; other comment lines leave the state alone.
    mutating func apply(directive line: UnsafeBufferPointer<UInt8>) {
        if line.starts(with: "!#if".utf8) {
            let condition = String(decoding: line.dropFirst(4), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
            switch condition {
            case "true", "!false": open.append(.taken)
            case "false", "!true": open.append(.skipped)
            default: open.append(.undecided)
            }
        } else if line.starts(with: "!#else".utf8), let last = open.popLast() {
            switch last {
            case .taken: open.append(.skipped)
            case .skipped: open.append(.taken)
            case .undecided: open.append(.undecided)
            }
        } else if line.starts(with: "!#endif".utf8) {
            _ = open.popLast()
        }
    }
}
