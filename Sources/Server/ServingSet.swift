import DomainKit
import Foundation
import ModelStore
import Streaming

/// Every model served, in reply order, with what they share: the line formatter (one column pair, or one
/// JSON object, per model, as `classify`) and the name scope. Replaced whole on reload, so a batch in flight
/// finishes with the set it started with and no reply mixes old and new models.
package final class ServingSet: Sendable {
    package let models: [ServingModel]
    let lineFormatter: AnswerFormatter
    /// Sorts out the names no model should label; nil: the models answer every name.
    let scope: NameScope?

    /// Throws `ServeError.duplicateModelNames` when two models share a name (their columns and JSON keys).
    /// A model of `keeping` with the same digest is kept, warm cache and all (its answers are the same).
    init(models: [Model], config: ServeConfig, keeping old: ServingSet? = nil) throws {
        let names = models.map(\.name)
        guard Set(names).count == names.count else { throw ServeError.duplicateModelNames(names) }
        self.models = models.map { model in
            old?.models.first { $0.model.digest == model.digest && $0.model.name == model.name } ?? ServingModel(model: model, config: config)
        }
        lineFormatter = AnswerFormatter(format: config.lineFormat, models: self.models.map { ($0.model.name, $0.model.classifier.labels, $0.minProbability) },
                                        includeLogFields: false)
        scope = config.marksSpecialNames ? NameScope(suffixes: config.suffixes) : nil
    }

    /// Several models answer with one object per model under its name; one model answers as it always has.
    var isSeveral: Bool { models.count > 1 }

    var names: [String] { models.map(\.model.name) }
}
