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

/// Renders a job's answers as the `/predict` reply.
enum PredictResponse {
    static func render(_ job: ClassifyJob, _ answers: BatchAnswers, serving: ServingModel, batch: Bool) -> String {
        let version = JSONText.string(serving.model.digest)
        if !batch, let first = job.answers.first {
            return "{" + fields(answers, first, input: 0, of: job, serving: serving) + ",\"model\":\(version)}"
        }
        var out = "{\"model\":\(version),\"results\":["
        for (i, a) in job.answers.enumerated() {
            if i > 0 { out += "," }
            out += "{" + fields(answers, a, input: i, of: job, serving: serving) + "}"
        }
        return out + "]}"
    }

    private static func fields(_ answers: BatchAnswers, _ a: Int, input: Int, of job: ClassifyJob, serving: ServingModel) -> String {
        switch answers.lines[a] {
        case let .name(k):
            let top = answers.names.top(k)
            let tier = answers.names.tiers[k] ?? .model
            var s = "\"domain\":\(JSONText.string(answers.names.names[k])),\"label\":\(serving.labelJSON[Int(top.first!.label)])"
            s += ",\"probability\":\(JSONText.probability(top.first!.probability)),\"top\":["
            for (i, score) in top.enumerated() {
                if i > 0 { s += "," }
                s += "{\"label\":\(serving.labelJSON[Int(score.label)]),\"probability\":\(JSONText.probability(score.probability))}"
            }
            s += "],\"cached\":\(tier == .model ? "false" : "true"),\"source\":\"\(tier.rawValue)\""
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
}
