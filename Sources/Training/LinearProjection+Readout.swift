import Features
import Learners

extension LinearProjection {
    /// Keeps every input dimension as it is.
    static func identity(_ d: Int) -> LinearProjection {
        LinearProjection(inputDimension: d, outputDimension: d, mean: .init(repeating: 0, count: d),
                      components: (0..<d * d).map { $0 % (d + 1) == 0 ? 1 : 0 }, explainedVariance: .init(repeating: 0, count: d))
    }
}

extension LinearProjection {
    /// A linear model's output rows in the order of `names` (labels it never saw score 0).
    static func labelScores(_ model: LinearModel, names: [String]) -> LinearProjection {
        let d = model.params.dimension
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, $0) })
        var rows = [Float](repeating: 0, count: names.count * d)
        for (i, name) in names.enumerated() {
            guard let j = index[name] else { continue }
            let row = model.output.row(j)
            for c in 0..<d { rows[i * d + c] = row[c] }
        }
        return LinearProjection(inputDimension: d, outputDimension: names.count, mean: .init(repeating: 0, count: d),
                             components: rows, explainedVariance: .init(repeating: 0, count: names.count))
    }
}
