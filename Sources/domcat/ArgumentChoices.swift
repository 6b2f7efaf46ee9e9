import ArgumentParser
import Cache
import Corpora
import Features
import Learners
import Streaming
import Training

// Every option with a fixed set of values parses into its enum: a wrong value is a usage error (exit 2)
// that lists the choices, and the help text shows them.
extension OutputFormat: ExpressibleByArgument {}
extension ModelKind: ExpressibleByArgument {}
extension ProjectionKind: ExpressibleByArgument {}
extension PoolingWeights: ExpressibleByArgument {}
extension GBDTPipelineParams.EmbeddingSource: ExpressibleByArgument {}
extension RedisReads: ExpressibleByArgument {}
extension ConflictPolicy: ExpressibleByArgument {}
extension FeatureWeighting: ExpressibleByArgument {}
extension OutputLayer: ExpressibleByArgument {}
extension LinearLoss: ExpressibleByArgument {}
extension Pruning: ExpressibleByArgument {}

/// `--input`: a log format, or `auto` (detected from the first lines).
enum InputChoice: ExpressibleByArgument, Equatable {
    case auto
    case format(LogFormatKind)

    init?(argument: String) {
        if argument == "auto" { self = .auto } else if let kind = LogFormatKind(rawValue: argument) { self = .format(kind) } else { return nil }
    }

    static var allValueStrings: [String] { ["auto"] + LogFormatKind.allCases.map(\.rawValue) }
    var defaultValueDescription: String { if case let .format(kind) = self { kind.rawValue } else { "auto" } }
}

/// `domcat bench --keys`.
enum KeyChoice: String, CaseIterable, ExpressibleByArgument {
    /// Never repeated: every request a cache miss.
    case unique
    /// Zipf-distributed over `--zipf-names` names, as DNS traffic repeats itself.
    case zipf
}

/// Range checks shared by the commands' `validate()`.
enum Check {
    static func range<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ option: String) throws {
        guard range.contains(value) else { throw ValidationError("\(option) must be in \(range.lowerBound)…\(range.upperBound), not \(value)") }
    }

    /// Threads of any pool: at least one, and not absurdly many (each has a stack and scratch memory).
    static let threads: ClosedRange<Int> = 1...256
}
extension DefaultSets.Set: ExpressibleByArgument {}
