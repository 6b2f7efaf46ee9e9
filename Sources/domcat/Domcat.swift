import ArgumentParser

@main
struct Domcat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domcat",
        abstract: "Streaming domain classification: label every name in a DNS log at line rate.",
        version: "0.1.0",
        subcommands: [
            ClassifyCommand.self, TrainCommand.self, EvalCommand.self, SplitCommand.self,
            ExtractCommand.self, ImportCommand.self, TokensCommand.self, FeaturesCommand.self, ServeCommand.self,
            BenchCommand.self,
        ],
        defaultSubcommand: ClassifyCommand.self)
}
