import ArgumentParser
import Foundation
import Registry

extension Experiment.Unit: ExpressibleByArgument {}

struct RegistryExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment", abstract: "A/B (split) and shadow experiments between two versions.",
        subcommands: [ExperimentStart.self, ExperimentStatusCommand.self, ExperimentScore.self, ExperimentStop.self])
}

struct ExperimentStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an experiment (one runs at a time).")
    @Option(help: "The control version (usually production).") var control: String
    @Option(help: "The treatment version.") var treatment: String
    @Option(help: "Give the treatment's answers to this share of units.") var split: Double?
    @Flag(help: "Answer with the control; the treatment scores the same names off the answer path.") var shadow = false
    @Option(help: "What one arm always gets: registrable, name or client.") var unit: Experiment.Unit = .registrable
    @Option(help: "The smallest accuracy difference worth detecting (sets the sample size asked for).") var minEffect: Double = 0.01
    @OptionGroup var registryOptions: RegistryOptions

    func validate() throws {
        guard (split != nil) != shadow else { throw ValidationError("give --split SHARE or --shadow") }
        if let split { try Check.range(split, 0.0001...0.9999, "--split") }
        try Check.range(minEffect, 0.0001...1, "--min-effect")
    }

    func run() throws {
        let registry = registryOptions.open()
        let experiment = registryStep {
            try registry.startExperiment(control: control, treatment: treatment, mode: shadow ? .shadow : .split, share: split ?? 1,
                                         unit: unit, minimumEffect: minEffect)
        }
        print(experiment.id)
        registryOptions.announce(registry)
    }
}

struct ExperimentStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per-arm accuracy, the difference with its interval and p-value, the sample still needed, a recommendation.")
    @Option(help: "Experiment id (default: the running one, else the latest).") var id: Int?
    @Flag(help: "JSON.") var json = false
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        let status = registryStep { () throws -> ExperimentStatus in
            guard let experiment = try id.map({ try registry.experiment($0) }) ?? registry.runningExperiment() ?? registry.latestExperiment() else {
                throw RegistryError("no experiment has run")
            }
            return try registry.experimentStatus(experiment)
        }
        if json {
            try printJSON(status)
        } else {
            print(status.text, terminator: "")
        }
    }
}

struct ExperimentScore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Score the running experiment on labelled names that came later (e.g. a new corpus batch).")
    @Argument(help: "Labelled file (domain<TAB>label).") var file: String
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var registryOptions: RegistryOptions
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(threads, Check.threads, "--threads") }

    func run() throws {
        let suffixes = try suffixOptions.load()
        let registry = registryOptions.open()
        let experiment = registryStep { () throws -> Experiment in
            guard let running = try registry.runningExperiment() else { throw RegistryError("no experiment is running") }
            return running
        }
        let (control, treatment) = registryStep {
            (try registry.load(experiment.control, suffixes: suffixes), try registry.load(experiment.treatment, suffixes: suffixes))
        }
        let corpus = readCorpus(file)
        let tallies = ExperimentScoring.score(experiment, control: control.classifier, treatment: treatment.classifier,
                                              domains: corpus.domains, truth: corpus.labels, suffixes: suffixes, threads: threads)
        registryStep { try registry.addToExperiment(experiment.id, control: tallies.control, treatment: tallies.treatment, pairs: tallies.pairs) }
        print(registryStep { try registry.experimentStatus(experiment) }.text, terminator: "")
    }
}

struct ExperimentStop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop the running experiment.")
    @Flag(help: "Promote the treatment when the status recommends it.") var promoteWinner = false
    @OptionGroup var registryOptions: RegistryOptions

    func run() throws {
        let registry = registryOptions.open()
        let status = registryStep { try registry.stopExperiment(promoteWinner: promoteWinner) }
        print(status.text, terminator: "")
        if promoteWinner, status.recommendation == .promote { note("\(status.experiment.treatment) is in production") }
        registryOptions.announce(registry)
    }
}
