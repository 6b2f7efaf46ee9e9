import ArgumentParser
import Corpora
import Foundation
import Learners
import ModelStore

/// The numbers a `gbdt` model's trees see, for LightGBM, scikit-learn or a notebook.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Print a gbdt model's feature row for every labelled name as TSV: the features, then the label (header line first).")

    @Argument(help: "A gbdt model file.") var model: String
    @Argument(help: "Labelled corpus (domain<TAB>label).") var file: String
    @Option(help: "Threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let loaded = loadModel(model, suffixes: try suffixOptions.load())
        guard let gbdt = loaded.classifier as? GBDTClassifier else { fail("\(model) is a '\(loaded.header.kind)' model; features come from a gbdt model", code: ExitCodes.model) }
        let corpus: LabelledCorpus
        do { corpus = try LabelledCorpus.read(paths: [file]) } catch { fail("\(error)", code: ExitCodes.input) }
        for problem in corpus.problems { note("skipped \(problem)") }
        let featurizer = gbdt.featurizer
        let rows = GBDTClassifier.featureRows(featurizer, domains: corpus.domains, threads: threads)
        let width = featurizer.width
        var out = Array((featurizer.columnNames + ["label"]).joined(separator: "\t").utf8)
        out.append(0x0A)
        for (r, label) in corpus.labels.enumerated() {
            for c in 0..<width {
                out.append(contentsOf: "\(rows[r * width + c])".utf8)
                out.append(0x09)
            }
            out.append(contentsOf: label.utf8)
            out.append(0x0A)
            if out.count > 1 << 20 { FileHandle.standardOutput.write(Data(out)); out.removeAll(keepingCapacity: true) }
        }
        FileHandle.standardOutput.write(Data(out))
    }
}
