import Foundation
import Learners

/// What a model says about itself; readable with any JSON tool after the magic.
package struct ModelHeader: Codable, Sendable, Equatable {
    package var kind: String
    /// What the model answers, e.g. `category` or `service`: its output columns and JSON key are named so.
    /// nil in files written before it existed (the file's name stands in).
    package var name: String?
    package var labels: [String]
    /// Kind-specific hyper-parameters, as the kind encoded them.
    package var parameters: [String: JSONValue]
    package var corpusDigest: String
    package var trainingExamples: Int
    package var metrics: [String: Double]
    /// The digest of the model this one continued from.
    package var parent: String?
    /// The digest of the float model this quantized one was made from (`domcat quantize`); its lineage
    /// (`parent`, `corpusDigest`) is that model's, so the registry counts quantizing as a patch.
    package var quantizedFrom: String?
    /// Fitted on validation names (`Calibration`); nil: the probabilities as trained.
    package var calibration: Calibration?
    /// Below this top probability, `classify` answers `unknown` unless `--min-p` says otherwise; chosen on
    /// validation names (`train --unknown-below-precision`). nil: every answer is given.
    package var unknownBelow: Float?
    /// Set when `domcat tune` chose the parameters; nil for a model trained with the ones it was given.
    package var tuning: TuningSummary?
    package var created: String
    package var domcatVersion: String

    package init(kind: String, labels: [String], parameters: [String: JSONValue], corpusDigest: String,
                trainingExamples: Int, metrics: [String: Double] = [:], parent: String? = nil,
                created: Date = Date(), domcatVersion: String = domcatVersionString) {
        self.kind = kind
        self.labels = labels
        self.parameters = parameters
        self.corpusDigest = corpusDigest
        self.trainingExamples = trainingExamples
        self.metrics = metrics
        self.parent = parent
        self.created = ISO8601DateFormatter().string(from: created)
        self.domcatVersion = domcatVersion
    }
}

package let domcatVersionString = "0.1.0"

/// A JSON value, so each kind can keep its own parameters in the header without the store knowing them.
package enum JSONValue: Codable, Sendable, Equatable {
    case number(Double), string(String), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    package init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(n): try c.encode(n)
        case let .string(s): try c.encode(s)
        case let .bool(b): try c.encode(b)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    /// Round-trips any Codable value through this representation.
    package static func from<T: Encodable>(_ value: T) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: JSONEncoder().encode(value))
    }

    package static func decode<T: Decodable>(_ type: T.Type, from object: [String: JSONValue]) throws -> T {
        try JSONDecoder().decode(type, from: JSONEncoder().encode(object))
    }
}
