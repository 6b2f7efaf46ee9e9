import Cache
import Foundation
import ModelStore

/// One loaded model with what serving it needs: its answer cache (keys under its digest, so a new model never
/// serves an old answer) and its labels and name escaped for JSON once.
package final class ServingModel: Sendable {
    package let model: Model
    package let cache: AnswerCache
    /// Labels as JSON string literals.
    let labelJSON: [String]
    /// The model's name as a JSON string literal: its key in the replies of a several-model server.
    let nameJSON: String
    /// Below this top probability the answer says `unknown` (with its p), as in `classify`.
    let minProbability: Float
    /// The registry's version of the model (`serve --registry`); nil for a model served from its file.
    package let version: String?

    init(model: Model, config: ServeConfig, version: String? = nil) {
        self.version = version
        self.model = model
        cache = AnswerCache(modelDigest: model.digest, labelCount: model.classifier.labels.count,
                            lruEntries: config.lruEntries, width: max(1, config.topK))
        labelJSON = model.classifier.labels.map(JSONText.string)
        nameJSON = JSONText.string(model.name)
        minProbability = config.minProbability ?? model.header.unknownBelow ?? 0
    }
}
