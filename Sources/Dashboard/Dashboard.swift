import DomainKit
import Foundation
import Lines
import Learners

/// The dashboard of one process: its counters, the page, and the answers of the search box — the routes
/// `GET /`, `/api/stats` and `/api/explain?name=` for whichever HTTP listener carries them.
package final class Dashboard: Sendable {
    /// One model the search box asks.
    package struct ExplainModel: Sendable {
        package let name: String
        package let classifier: any DomainClassifier
        package let minProbability: Float
        package init(name: String, classifier: any DomainClassifier, minProbability: Float) {
            (self.name, self.classifier, self.minProbability) = (name, classifier, minProbability)
        }
    }

    package let stats: TrafficStats
    private let explainModels: @Sendable () -> [ExplainModel]
    private let extra: @Sendable () -> String

    /// `explainModels`: the models answering now (serve swaps them); `extra`: the host's JSON members for
    /// `/api/stats` (cache, latency, experiment), without braces.
    package init(stats: TrafficStats, explainModels: @escaping @Sendable () -> [ExplainModel], extra: @escaping @Sendable () -> String = { "" }) {
        self.stats = stats
        self.explainModels = explainModels
        self.extra = extra
    }

    /// The response to a GET of `path`, nil when the path is not the dashboard's.
    package func respond(path: String, query: String) -> SmallHTTPListener.Response? {
        switch path {
        case "/", "/index.html": SmallHTTPListener.Response(contentType: "text/html; charset=utf-8", body: Array(DashboardPage.html.utf8))
        case "/api/stats": SmallHTTPListener.Response(json: stats.json(extra: extra()))
        case "/api/explain": explain(SmallHTTPListener.parameter("name", in: query) ?? "")
        default: nil
        }
    }

    /// Every model's answer to one name, with the tokens that weighed most (as `classify --explain`).
    func explain(_ text: String) -> SmallHTTPListener.Response {
        let parsed = Array(text.utf8).withUnsafeBufferPointer { DomainParser.parse($0) }
        guard case let .domain(domain) = parsed else {
            return SmallHTTPListener.Response(status: 400, json: "{\"error\":\(jsonString("not a domain name: \(text)"))}")
        }
        let answers = explainModels().map { model -> String in
            guard let best = model.classifier.classify(domain, k: 1).first else { return "" }
            let label = best.probability < model.minProbability ? "unknown" : model.classifier.labels[Int(best.label)]
            let why = model.classifier.explain(domain, label: best.label).prefix(5)
                .map { "{\"token\":\(jsonString($0.token)),\"weight\":\(String(format: "%.4f", $0.weight))}" }.joined(separator: ",")
            return "{\"model\":\(jsonString(model.name)),\"label\":\(jsonString(label)),\"p\":\(String(format: "%.4f", best.probability)),\"why\":[\(why)]}"
        }
        return SmallHTTPListener.Response(json: "{\"name\":\(jsonString(domain.name)),\"models\":[\(answers.joined(separator: ","))]}")
    }
}
