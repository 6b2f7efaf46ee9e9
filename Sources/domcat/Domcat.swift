import ArgumentParser
import Foundation

@main
struct Domcat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domcat",
        abstract: "Streaming domain classification: label every name in a DNS log at line rate.",
        version: "0.1.0",
        subcommands: [
            ClassifyCommand.self, TrainCommand.self, QuantizeCommand.self, EvalCommand.self, SplitCommand.self,
            ExtractCommand.self, ImportCommand.self, TokensCommand.self, FeaturesCommand.self, ServeCommand.self,
            BenchCommand.self, RegistryCommand.self, RetrainCommand.self, PublishCommand.self, TuneCommand.self,
        ],
        defaultSubcommand: ClassifyCommand.self)

    /// As ArgumentParser's, but every usage error (unknown option, missing or out-of-range value) exits 2,
    /// the code the README gives, not sysexits' 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
