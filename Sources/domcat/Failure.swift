import ArgumentParser
import Cache
import DomainKit
import Foundation
import Lines
import ModelStore
import Training

/// Prints `domcat: message` on stderr and exits with `code`; every clear failure goes through here.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
    Foundation.exit(code)
}

/// Fails with the exit code of an error a library job threw (`ExitCodes.of`).
func fail(_ error: Error) -> Never {
    fail("\(error)", code: ExitCodes.of(error))
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("domcat: \(message)\n".utf8))
}

enum ExitCodes {
    static let usage: Int32 = 2
    static let model: Int32 = 3
    static let input: Int32 = 4
    static let output: Int32 = 5
    /// A listener could not be bound (port taken, socket in use, something else at the `--unix` path).
    static let listen: Int32 = 6

    /// Output errors (a model or file that cannot be written, or is refused) 5, other model-file errors 3,
    /// contradicting options 2, anything else about the input 4.
    static func of(_ error: Error) -> Int32 {
        if error is OutputError { return output }
        if let error = error as? ModelFileError {
            if case .unwritable = error { return output }
            return model
        }
        if error is TrainUsageError { return usage }
        return input
    }
}

var stderrIsTerminal: Bool { isatty(2) == 1 }
