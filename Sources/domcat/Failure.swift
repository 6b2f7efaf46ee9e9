import ArgumentParser
import Cache
import DomainKit
import Foundation
import ModelStore

/// Prints `domcat: message` on stderr and exits with `code`; every clear failure goes through here.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
    Foundation.exit(code)
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
}

enum ExitCodes {
    static let model: Int32 = 3
    static let input: Int32 = 4
    static let output: Int32 = 5
    /// A listener could not be bound (port taken, socket in use, something else at the `--unix` path).
    static let listen: Int32 = 6
}

var stderrIsTerminal: Bool { isatty(2) == 1 }
