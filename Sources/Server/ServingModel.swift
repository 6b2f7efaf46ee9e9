import Cache
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

    init(model: Model, lruEntries: Int, topK: Int, lineFormat: OutputFormat) {
        self.model = model
        cache = AnswerCache(modelDigest: model.digest, labelCount: model.classifier.labels.count, lruEntries: lruEntries, width: topK)
        lineFormatter = AnswerFormatter(format: lineFormat, labels: model.classifier.labels, includeLogFields: false)
        labelJSON = model.classifier.labels.map(JSONText.string)
    }
}
