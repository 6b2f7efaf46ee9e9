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
    /// The registry's running experiment, between the first model (its control) and a treatment.
    let experiment: LiveExperiment?

    /// Throws `ServeError.duplicateModelNames` when two models share a name (their columns and JSON keys).
    /// A model of `keeping` with the same digest is kept, warm cache and all (its answers are the same).
    /// `versions`: each model's registry version (`serve --registry`), else empty.
    init(models: [Model], config: ServeConfig, keeping old: ServingSet? = nil, versions: [String] = [],
         experiment: LiveExperiment.Plan? = nil) throws {
        let names = models.map(\.name)
        guard Set(names).count == names.count else { throw ServeError.duplicateModelNames(names) }
        let served = models.enumerated().map { i, model in
            let version = i < versions.count ? versions[i] : nil
            return old?.models.first { $0.model.digest == model.digest && $0.model.name == model.name && $0.version == version }
                ?? ServingModel(model: model, config: config, version: version)
        }
        self.models = served
        lineFormatter = Self.formatter(served, config)
        scope = config.marksSpecialNames ? NameScope(suffixes: config.suffixes) : nil
        self.experiment = experiment.map { plan in
            // A treatment kept from the old set keeps its warm cache, as the models do.
            let treatment = old?.experiment?.treatment.model.digest == plan.treatment.digest ? old!.experiment!.treatment
                : ServingModel(model: plan.treatment, config: config, version: plan.treatmentVersion)
            return LiveExperiment(plan: plan, control: served[0], treatment: treatment, treatedFormatter: Self.formatter([treatment] + served.dropFirst(), config),
                                  suffixes: config.suffixes,
                                  counters: old?.experiment?.experiment.id == plan.experiment.id ? old!.experiment!.counters : ExperimentCounters())
        }
    }

    private static func formatter(_ models: [ServingModel], _ config: ServeConfig) -> AnswerFormatter {
        AnswerFormatter(format: config.lineFormat, models: models.map { ($0.model.name, $0.model.classifier.labels, $0.minProbability) },
                        includeLogFields: false, versions: models.map(\.version))
    }

    /// Several models answer with one object per model under its name; one model answers as it always has.
    var isSeveral: Bool { models.count > 1 }

    var names: [String] { models.map(\.model.name) }
}
