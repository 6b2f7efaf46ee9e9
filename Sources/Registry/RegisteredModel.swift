import Foundation
import ModelStore

/// One row of the registry's index.
package struct RegisteredModel: Sendable {
    package enum Status: String, Sendable { case registered, archived }

    package let version: SemanticVersion
    package let digest: String
    /// Relative to the registry folder.
    package let file: String
    package let name: String
    package let kind: String
    /// The model it was continued from, by SHA-256 (nil: trained from scratch).
    package let parentDigest: String?
    package let corpusDigest: String
    /// The model file's header, as JSON: decoded only where it is read (`header()`), so listing a thousand
    /// versions decodes none.
    let headerJSON: String
    package let sizeBytes: Int
    /// `eval --json` of the model on a test file, when one was given to `registry add --test`.
    package let testReport: String?
    package let notes: String?
    package let status: Status
    package let addedAt: String
    package let addedBy: String

    init(_ row: SQLiteRow) throws {
        guard let versionText = row.text("version"), let version = SemanticVersion(versionText),
              let headerJSON = row.text("header"), let status = row.text("status").flatMap(Status.init) else {
            throw RegistryError("a damaged row in the index: \(row.values)")
        }
        self.version = version
        digest = row.text("digest") ?? ""
        file = row.text("file") ?? ""
        name = row.text("name") ?? ""
        kind = row.text("kind") ?? ""
        parentDigest = row.text("parent_digest")
        corpusDigest = row.text("corpus_digest") ?? ""
        self.headerJSON = headerJSON
        sizeBytes = row.int("size_bytes") ?? 0
        testReport = row.text("test_report")
        notes = row.text("notes")
        self.status = status
        addedAt = row.text("added_at") ?? ""
        addedBy = row.text("added_by") ?? ""
    }

    package func header() throws -> ModelHeader {
        do { return try JSONDecoder().decode(ModelHeader.self, from: Data(headerJSON.utf8)) } catch {
            throw RegistryError("\(version): a damaged header in the index: \(error)")
        }
    }
}
