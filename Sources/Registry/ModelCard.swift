import Foundation
import Learners
import ModelStore

/// What `registry show` prints about a version: what it is, what it was made from and how well it did,
/// where it came from and who put it in production — as text, Markdown or JSON.
package struct ModelCard: Codable, Sendable {
    package struct Promotion: Codable, Sendable { package var action: String, at: String, by: String }
    package struct LabelScore: Codable, Sendable { package var label: String, support: Int, f1: Double }

    package var version: String
    package var name: String
    package var kind: String
    package var status: String
    package var inProduction: Bool
    package var digest: String
    package var sizeBytes: Int
    package var labels: [String]
    /// Per-label F1 on the test file given to `registry add --test`; empty without one.
    package var testF1: [LabelScore]
    package var testAccuracy: Double?
    package var testMacroF1: Double?
    package var parameters: [String: JSONValue]
    package var corpusDigest: String
    package var trainingExamples: Int
    package var trainingSeconds: Double?
    package var validAccuracy: Double?
    package var validMacroF1: Double?
    /// This version's ancestors in the registry, nearest first (a digest when the parent is not registered).
    package var lineage: [String]
    package var created: String
    package var addedAt: String
    package var addedBy: String
    package var notes: String?
    package var promotions: [Promotion]

    package init(_ entry: RegisteredModel, registry: ModelRegistry) throws {
        let h = try entry.header()
        version = entry.version.description
        name = entry.name
        kind = h.kind
        status = entry.status.rawValue
        inProduction = try registry.production()?.version == entry.version
        digest = entry.digest
        sizeBytes = entry.sizeBytes
        labels = h.labels
        let report = try entry.testReport.map { try JSONDecoder().decode(EvaluationReport.self, from: Data($0.utf8)) }
        testF1 = report?.perLabel.map { LabelScore(label: $0.label, support: $0.support, f1: $0.f1) } ?? []
        testAccuracy = report?.accuracy
        testMacroF1 = report?.macroF1
        parameters = h.parameters
        corpusDigest = h.corpusDigest
        trainingExamples = h.trainingExamples
        trainingSeconds = h.metrics["train_seconds"]
        validAccuracy = h.metrics["valid_accuracy"]
        validMacroF1 = h.metrics["valid_macro_f1"]
        let ancestors = try registry.lineage(of: entry).dropFirst()
        lineage = ancestors.map(\.version.description)
        // A parent that is not registered is still named, by its digest.
        if let unregistered = (ancestors.last ?? entry).parentDigest { lineage.append(String(unregistered.prefix(12))) }
        created = h.created
        addedAt = entry.addedAt
        addedBy = entry.addedBy
        notes = entry.notes
        promotions = try registry.auditLog(version: version).filter { $0.action == "promote" || $0.action == "rollback" }
            .map { Promotion(action: $0.action, at: $0.at, by: $0.by) }
    }

    package func text(markdown: Bool) -> String {
        var out = markdown ? "# \(name) \(version)\n\n" : "\(name) \(version)\n"
        func field(_ key: String, _ value: String) { out += markdown ? "- **\(key)**: \(value)\n" : "  \(key): \(value)\n" }
        field("kind", kind)
        field("status", status + (inProduction ? ", in production" : ""))
        field("sha-256", digest)
        field("size", String(format: "%.1f MB", Double(sizeBytes) / 1e6))
        field("created", created)
        field("added", "\(addedAt) by \(addedBy)")
        if let notes { field("notes", notes) }
        field("lineage", lineage.isEmpty ? "none (trained from scratch)" : lineage.joined(separator: " ← "))
        field("corpus", "\(corpusDigest), \(trainingExamples) examples" + (trainingSeconds.map { String(format: ", trained in %.1f s", $0) } ?? ""))
        if let validAccuracy, let validMacroF1 { field("validation", String(format: "accuracy %.4f, macro-F1 %.4f", validAccuracy, validMacroF1)) }
        if let testAccuracy, let testMacroF1 { field("test", String(format: "accuracy %.4f, macro-F1 %.4f", testAccuracy, testMacroF1)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        field("parameters", (try? encoder.encode(parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        for p in promotions { field(p.action == "rollback" ? "rolled back to" : "promoted", "\(p.at) by \(p.by)") }
        if testF1.isEmpty {
            field("labels", "\(labels.count): " + labels.joined(separator: ", "))
        } else {
            out += markdown ? "\n| label | test names | F1 |\n|---|---|---|\n" : "  labels (test F1):\n"
            for s in testF1 {
                out += markdown ? "| \(s.label) | \(s.support) | \(String(format: "%.4f", s.f1)) |\n"
                    : "    " + s.label.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: " %7d  %.4f\n", s.support, s.f1)
            }
        }
        return out
    }
}
