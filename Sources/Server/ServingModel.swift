import Cache
import DomainKit
import Foundation
import Learners
import ModelStore
import Streaming

/// One loaded model with what serving it needs: its answer cache (keys under its digest) and its formatter.
/// Replaced whole on reload; a batch in flight finishes with the model it started with.
package final class ServingModel: Sendable {
    package let model: Model
    package let cache: AnswerCache
    let lineFormatter: AnswerFormatter
    /// Labels as JSON string literals, escaped once.
    let labelJSON: [String]
    /// Sorts out the names no model should label; nil: the model answers every name.
    let scope: NameScope?

    init(model: Model, config: ServeConfig) {
        let lruEntries = config.lruEntries, topK = max(1, config.topK), lineFormat = config.lineFormat
        scope = config.marksSpecialNames ? NameScope(suffixes: config.suffixes) : nil
        self.model = model
        cache = AnswerCache(modelDigest: model.digest, labelCount: model.classifier.labels.count, lruEntries: lruEntries, width: topK)
        lineFormatter = AnswerFormatter(format: lineFormat, labels: model.classifier.labels, includeLogFields: false)
        labelJSON = model.classifier.labels.map(JSONText.string)
    }
}
