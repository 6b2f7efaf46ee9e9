import DomainKit
import Foundation
import Learners

/// `POST /feedback {"domain": "…", "label": "…"[, "client": "…"]}`: the true label of a name, learned later.
/// It is scored as the answer it got: by the arm its unit was routed to (split), by both arms (shadow: a
/// paired tally), or by the one model served; an experiment's tallies are flushed to the index with the rest.
struct FeedbackRequest {
    var domain: String
    var label: String
    /// The unit of an experiment split by client; the connection's address when absent.
    var client: String?

    static func parse(_ body: [UInt8]) -> Result<FeedbackRequest, PredictRequest.Problem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let domain = object["domain"] as? String, let label = object["label"] as? String, !label.isEmpty else {
            return .failure(.init(message: "body must be {\"domain\": \"…\", \"label\": \"…\"} (and \"client\" when the experiment splits by client)"))
        }
        if let client = object["client"], !(client is String) { return .failure(.init(message: "\"client\" must be a string")) }
        return .success(FeedbackRequest(domain: domain, label: label, client: object["client"] as? String))
    }

    /// Scores the feedback against `serving`; the reply's JSON, or why the name cannot be scored.
    func score(_ serving: ServingSet, peer: String?) -> Result<(json: String, correct: Bool), PredictRequest.Problem> {
        let parsed = Array(domain.utf8).withUnsafeBufferPointer { DomainParser.parse($0) }
        guard case let .domain(name) = parsed else { return .failure(.init(message: "not a domain name: \(domain)")) }
        func answer(_ model: ServingModel) -> String {
            model.model.classifier.classify(name, k: 1).first.map { model.model.classifier.labels[Int($0.label)] } ?? ""
        }
        let control = serving.models[0]
        var answered = control, arm: String?
        if let experiment = serving.experiment {
            switch experiment.experiment.mode {
            case .split:
                let treated = experiment.treats(name.name, client: client ?? peer)
                answered = treated ? experiment.treatment : control
                arm = treated ? "treatment" : "control"
                let right = answer(answered) == label
                experiment.counters.feedback(control: treated ? nil : right, treatment: treated ? right : nil)
            case .shadow:
                arm = "control"
                experiment.counters.feedback(control: answer(control) == label, treatment: answer(experiment.treatment) == label)
            }
        }
        let given = answer(answered)
        var json = "{\"domain\":\(JSONText.string(name.name)),\"label\":\(JSONText.string(label)),\"answered\":\(JSONText.string(given))"
        json += ",\"correct\":\(given == label)"
        if let version = answered.version { json += ",\"version\":\(JSONText.string(version))" }
        if let arm, let id = serving.experiment?.experiment.id { json += ",\"experiment\":\(id),\"arm\":\"\(arm)\"" }
        return .success((json + "}", given == label))
    }
}
