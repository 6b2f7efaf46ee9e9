import DomainKit
import Foundation
import Learners

/// A loaded model of any kind: what classify, eval and serve work with.
package struct Model: Sendable {
    package let header: ModelHeader
    /// What answers: the kind's classifier, behind the model's trained names when it has them.
    package let classifier: any DomainClassifier
    /// The kind's own classifier (a `LinearModel`, a `GBDTClassifier`, …): what training continues.
    package let learned: any DomainClassifier
    /// The names the model was trained on (`TrainedNames`); nil in files without them.
    package var trainedNames: TrainedNames? { (classifier as? TrainedNamesClassifier)?.names }
    /// SHA-256 of the model file: its version, and the namespace of its cache keys.
    package let digest: String
    /// The header's name, or the file's name without `.dcm` for files written before names existed.
    package let name: String

    /// `suffixes` with `trainedNames`: where a name's registrable part starts.
    package init(header: ModelHeader, classifier: any DomainClassifier, trainedNames: TrainedNames? = nil,
                 suffixes: PublicSuffixList? = nil, digest: String, path: String = "model") {
        self.header = header
        learned = classifier
        if let trainedNames, let suffixes {
            self.classifier = TrainedNamesClassifier(classifier, names: trainedNames, suffixes: suffixes)
        } else {
            self.classifier = classifier
        }
        self.digest = digest
        name = header.name ?? Model.stem(of: path)
    }

    /// `dir/category.dcm` → `category`.
    package static func stem(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".dcm") ? String(file.dropLast(4)) : file
    }

    package var shortVersion: String { String(digest.prefix(12)) }

    package static func load(path: String, suffixes: PublicSuffixList) throws -> Model {
        try Model(file: ModelFile.read(path: path), path: path, suffixes: suffixes)
    }

    /// The model in a file already read; `path` is for the errors.
    package init(file: ModelFile, path: String, suffixes: PublicSuffixList) throws {
        do {
            let classifier: any DomainClassifier
            switch file.header.kind {
            case LinearCodec.kind: classifier = try LinearCodec.decode(file, suffixes: suffixes)
            case FastTextCodec.kind: classifier = try FastTextCodec.decode(file, suffixes: suffixes)
            case GBDTCodec.kind: classifier = try GBDTCodec.decode(file, suffixes: suffixes)
            default: throw ModelFileError.unknownKind(path: path, kind: file.header.kind)
            }
            if let calibration = file.header.calibration {
                let c = calibration
                guard c.temperature.isFinite, c.temperature > 0.01, c.temperature < 100, c.confidence.count == c.accuracy.count,
                      (c.confidence + c.accuracy).allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
                    throw ModelDataError("calibration out of range")
                }
                classifier.calibration = c
            }
            let names = try file.section(TrainedNamesCodec.section).map {
                try TrainedNamesCodec.decode($0, labelCount: file.header.labels.count)
            }
            self.init(header: file.header, classifier: classifier, trainedNames: names, suffixes: suffixes, digest: file.digest,
                      path: path)
        } catch let error as ModelDataError {
            throw ModelFileError.corrupt(path: path, reason: error.description)
        } catch let error as DecodingError {
            throw ModelFileError.corrupt(path: path, reason: "header parameters: \(error)")
        }
    }
}
