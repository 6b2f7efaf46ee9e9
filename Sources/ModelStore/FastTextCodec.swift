import Crypto
import DomainKit
import FastTextKit
import Foundation
import Learners

/// The `fasttext` kind: a fastText supervised `.bin`, kept whole in one section.
package enum FastTextCodec {
    package static let kind = "fasttext"

    struct Parameters: Codable { var input: FastTextClassifier.Input }

    package static func encode(_ classifier: FastTextClassifier, header: ModelHeader) throws -> ModelFile {
        var header = header
        header.kind = kind
        header.labels = classifier.labels
        header.parameters = try JSONValue.from(Parameters(input: classifier.input))
        return ModelFile(header: header, sections: ["fasttext": try classifier.model.serialized()])
    }

    package static func decode(_ file: ModelFile, suffixes: PublicSuffixList) throws -> FastTextClassifier {
        let parameters = try JSONValue.decode(Parameters.self, from: file.header.parameters)
        guard let bytes = file.section("fasttext") else { throw ModelDataError("section fasttext missing") }
        let model: FastTextModel
        do { model = try FastTextModel(bytes: bytes) } catch { throw ModelDataError("fasttext section: \(error)") }
        return FastTextClassifier(model: model, input: parameters.input, tokenizer: Tokenizer(suffixes: suffixes))
    }

    /// Any fastText supervised `.bin` served as it is; its SHA-256 is its version.
    package static func load(bin path: String, input: FastTextClassifier.Input, suffixes: PublicSuffixList) throws -> Model {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        let model: FastTextModel
        do { model = try FastTextModel(bytes: Array(data)) } catch { throw ModelFileError.corrupt(path: path, reason: "\(error)") }
        guard model.kind == .supervised, !model.labels.isEmpty else {
            throw ModelFileError.corrupt(path: path, reason: "a fastText word-vector model, not a supervised classifier")
        }
        let classifier = FastTextClassifier(model: model, input: input, tokenizer: Tokenizer(suffixes: suffixes))
        let header = ModelHeader(kind: kind, labels: model.labels, parameters: try JSONValue.from(Parameters(input: input)),
                                 corpusDigest: "", trainingExamples: 0)
        return Model(header: header, classifier: classifier, digest: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
    }
}
