import DomainKit
import Foundation
import Learners

/// A loaded model of any kind: what classify, eval and serve work with.
package struct Model: Sendable {
    package let header: ModelHeader
    package let classifier: any DomainClassifier
    /// SHA-256 of the model file: its version, and the namespace of its cache keys.
    package let digest: String

    package init(header: ModelHeader, classifier: any DomainClassifier, digest: String) {
        self.header = header
        self.classifier = classifier
        self.digest = digest
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
            self.init(header: file.header, classifier: classifier, digest: file.digest)
        } catch let error as ModelDataError {
            throw ModelFileError.corrupt(path: path, reason: error.description)
        } catch let error as DecodingError {
            throw ModelFileError.corrupt(path: path, reason: "header parameters: \(error)")
        }
    }
}
