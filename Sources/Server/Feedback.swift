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

    /// Scores the feedback against the answer the name got: the worker's answer to the job's one line
    /// (`line`), routed and cached as any request. The reply's JSON, or why the name has no answer to score.
    func score(_ answers: BatchAnswers, line: Int, serving: ServingSet) -> Result<(json: String, correct: Bool), PredictRequest.Problem> {
        guard case let .name(row) = answers.lines[line], let served = answers.top(row, model: 0).first else {
            return .failure(.init(message: "not a name the model answers: \(domain)"))
        }
        let treated = answers.isTreated(row)
        let answered = treated ? serving.experiment!.treatment : serving.models[0]
        let given = answered.model.classifier.labels[Int(served.label)]
        let right = given == label
        if let experiment = serving.experiment {
            switch experiment.experiment.mode {
            case .split:
                experiment.counters.feedback(control: treated ? nil : right, treatment: treated ? right : nil)
            case .shadow:
                // Paired: the treatment's answer to the same name, as the shadow arm would give it.
                let treatment = experiment.treatment.model.classifier
                let shadow = treatment.classify(Domain(normalised: answers.name(row)), k: 1).first.map { treatment.labels[Int($0.label)] }
                experiment.counters.feedback(control: right, treatment: shadow == label)
            }
        }
        var json = "{\"domain\":\(JSONText.string(answers.name(row))),\"label\":\(JSONText.string(label)),\"answered\":\(JSONText.string(given))"
        json += ",\"correct\":\(right)"
        if let version = answered.version { json += ",\"version\":\(JSONText.string(version))" }
        if let id = serving.experiment?.experiment.id { json += ",\"experiment\":\(id),\"arm\":\"\(treated ? "treatment" : "control")\"" }
        return .success((json + "}", right))
    }
}
