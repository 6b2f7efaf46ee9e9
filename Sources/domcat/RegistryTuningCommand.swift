import ArgumentParser
import Foundation
import Registry

struct RegistryTuning: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tuning", abstract: "The trials of a `domcat tune --registry` search (the latest by default).")

    @OptionGroup var registryOptions: RegistryOptions
    @Option(help: "The search's id (default: the latest).") var search: Int?
    @Flag(help: "JSON lines, one a trial.") var json = false

    func run() throws {
        let registry = registryOptions.open()
        let rows = registryStep { () throws -> [ModelRegistry.TuningTrialRow] in
            guard let id = try search ?? registry.latestTuningSearch() else { throw RegistryError("no tuning search in this registry") }
            return try registry.tuningTrials(search: id)
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? (json ? "null" : "-") }
        if !json { print("trial\tbracket\trung\tshare\texamples\tstatus\tvalid_accuracy\tvalid_macro_f1\tseconds\tparameters") }
        for r in rows {
            if json {
                print("{\"trial\":\(r.trial),\"bracket\":\(r.bracket),\"rung\":\(r.rung),\"fraction\":\(r.fraction),\"examples\":\(r.examples),"
                      + "\"status\":\"\(r.status)\",\"valid_accuracy\":\(number(r.validAccuracy)),\"valid_macro_f1\":\(number(r.validMacroF1)),"
                      + "\"seconds\":\(String(format: "%.3f", r.seconds)),\"parameters\":\(r.parameters)}")
            } else {
                print("\(r.trial)\t\(r.bracket)\t\(r.rung)\t\(String(format: "%.4f", r.fraction))\t\(r.examples)\t\(r.status)\t"
                      + "\(number(r.validAccuracy))\t\(number(r.validMacroF1))\t\(String(format: "%.1f", r.seconds))\t\(r.parameters)")
            }
        }
    }
}
