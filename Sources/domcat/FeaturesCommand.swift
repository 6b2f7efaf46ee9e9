import ArgumentParser
import Corpora
import Foundation
import Learners
import ModelStore
import Training

/// The numbers a `gbdt` model's trees see, for LightGBM, scikit-learn or a notebook.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Print a gbdt model's feature row for every labelled name as TSV: the features, then the label (header line first).")

    @Argument(help: "A gbdt model file.") var model: String
    @Argument(help: "Labelled corpus (domain<TAB>label).") var file: String
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func validate() throws { try Check.range(threads, Check.threads, "--threads") }

    func run() throws {
        let loaded = loadModel(model, suffixes: try suffixOptions.load())
        guard let gbdt = loaded.learned as? GBDTClassifier else { fail("\(model) is a '\(loaded.header.kind)' model; features come from a gbdt model", code: ExitCodes.model) }
        let corpus = readCorpus(file)
        let featurizer = gbdt.featurizer
        let rows = GBDTClassifier.featureRows(featurizer, domains: corpus.domains, threads: threads)
        FeatureTable.encode(rows, width: featurizer.width, columns: featurizer.columnNames, labels: corpus.labels) {
            FileHandle.standardOutput.write(Data($0))
        }
    }
}
