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
    static func render(_ job: ClassifyJob, serving: ServingModel, batch: Bool) -> String {
        let version = JSONText.string(serving.model.digest)
        if !batch, let answer = job.answers.first {
            return "{" + fields(answer, input: job.inputs[0], serving: serving) + ",\"model\":\(version)}"
        }
        var out = "{\"model\":\(version),\"results\":["
        for (i, answer) in job.answers.enumerated() {
            if i > 0 { out += "," }
            out += "{" + fields(answer, input: job.inputs[i], serving: serving) + "}"
        }
        return out + "]}"
    }

    private static func fields(_ answer: Answer, input: [UInt8], serving: ServingModel) -> String {
        switch answer {
        case let .classified(name, top, tier):
            var s = "\"domain\":\(JSONText.string(name)),\"label\":\(serving.labelJSON[Int(top[0].label)])"
            s += ",\"probability\":\(JSONText.probability(top[0].probability)),\"top\":["
            for (i, score) in top.enumerated() {
                if i > 0 { s += "," }
                s += "{\"label\":\(serving.labelJSON[Int(score.label)]),\"probability\":\(JSONText.probability(score.probability))}"
            }
            s += "],\"cached\":\(tier == .model ? "false" : "true"),\"source\":\"\(tier.rawValue)\""
            return s
        case let .ipAddress(ip):
            return "\"domain\":\(JSONText.string(ip)),\"error\":\"ip address\""
        case let .invalid(reason):
            return "\"domain\":\(JSONText.string(String(decoding: input, as: UTF8.self))),\"error\":\(JSONText.string(reason))"
        }
    }
}
