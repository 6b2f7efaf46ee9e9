import Foundation

/// `{"domain": "x"}` or `{"domains": ["x", …]}`.
struct PredictRequest {
    var domains: [String]
    /// The reply is `{"results": […]}` for `domains`, one object for `domain`.
    var batch: Bool

    struct Problem: Error { let message: String }

    static func parse(_ body: [UInt8]) -> Result<PredictRequest, Problem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(Problem(message: "body must be a JSON object: {\"domain\": \"…\"} or {\"domains\": [\"…\"]}"))
        }
        if let one = object["domain"] as? String { return .success(PredictRequest(domains: [one], batch: false)) }
        if let many = object["domains"] as? [Any] {
            let names = many.compactMap { $0 as? String }
            guard names.count == many.count else { return .failure(Problem(message: "\"domains\" must be an array of strings")) }
            return .success(PredictRequest(domains: names, batch: true))
        }
        return .failure(Problem(message: "expected \"domain\" (a string) or \"domains\" (an array of strings)"))
    }
}

/// Renders a job's answers as the `/predict` reply. One model: its fields beside `domain`, and `"model":
/// <digest>`. Several: one object per model under its name (as classify's JSONL), each with the fields one
/// model has, and `"models": {name: digest, …}`.
enum PredictResponse {
    static func render(_ job: ClassifyJob, _ answers: BatchAnswers, serving: ServingSet, batch: Bool) -> String {
        let versions = versionsJSON(serving)
        if !batch, let first = job.answers.first {
            return "{" + fields(answers, first, input: 0, of: job, serving: serving) + "," + versions + "}"
        }
        var out = "{" + versions + ",\"results\":["
        for (i, a) in job.answers.enumerated() {
            if i > 0 { out += "," }
            out += "{" + fields(answers, a, input: i, of: job, serving: serving) + "}"
        }
        return out + "]}"
    }

    /// `"model":"<digest>"`, or `"models":{"<name>":"<digest>",…}` for several: what answered (also the
    /// reply to a reload).
    static func versionsJSON(_ serving: ServingSet) -> String {
        guard serving.isSeveral else { return "\"model\":" + JSONText.string(serving.models[0].model.digest) }
        return "\"models\":{" + serving.models.map { $0.nameJSON + ":" + JSONText.string($0.model.digest) }.joined(separator: ",") + "}"
    }

    private static func fields(_ answers: BatchAnswers, _ a: Int, input: Int, of job: ClassifyJob, serving: ServingSet) -> String {
        switch answers.lines[a] {
        case let .name(row):
            var s = "\"domain\":\(JSONText.string(answers.name(row)))"
            // A split experiment's treatment answers some names in the first model's place.
            func answering(_ m: Int) -> ServingModel {
                m == 0 && answers.isTreated(row) ? serving.experiment!.treatment : serving.models[m]
            }
            guard serving.isSeveral else { return s + "," + modelFields(answers, row, model: 0, answering(0)) }
            for m in serving.models.indices {
                s += "," + serving.models[m].nameJSON + ":{" + modelFields(answers, row, model: m, answering(m)) + "}"
            }
            return s
        case let .ipAddress(ip):
            return "\"domain\":\(JSONText.string(ip)),\"error\":\"ip address\""
        case let .special(name, kind):
            return "\"domain\":\(JSONText.string(name)),\"label\":\"!\(kind.rawValue)\""
        case .root:
            return "\"domain\":\".\",\"error\":\"root query\""
        case let .invalid(reason):
            let text = job.lines.withLine(input) { String(decoding: $0, as: UTF8.self) }
            return "\"domain\":\(JSONText.string(text)),\"error\":\(JSONText.string(reason))"
        }
    }

    /// One model's answer: `"label":…,"probability":…,"top":[…],"cached":…,"source":…[,"version":…]`.
    private static func modelFields(_ answers: BatchAnswers, _ row: Int, model m: Int, _ model: ServingModel) -> String {
        let top = answers.top(row, model: m)
        let tier = answers.tier(row, model: m)
        let best = top.first!
        let label = best.probability < model.minProbability ? "\"unknown\"" : model.labelJSON[Int(best.label)]
        var s = "\"label\":\(label),\"probability\":\(JSONText.probability(top.first!.probability)),\"top\":["
        for (i, score) in top.enumerated() {
            if i > 0 { s += "," }
            s += "{\"label\":\(model.labelJSON[Int(score.label)]),\"probability\":\(JSONText.probability(score.probability))}"
        }
        s += "],\"cached\":\(tier == .model ? "false" : "true"),\"source\":\"\(tier.rawValue)\""
        if let version = model.version { s += ",\"version\":" + JSONText.string(version) }
        return s
    }
}
