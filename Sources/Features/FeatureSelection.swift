/// Chooses the shape features that say most about the label, before they join the PCA output.
package enum FeatureSelection {
    /// One-way ANOVA F statistic per column: between-class variance over within-class variance,
    /// each divided by its degrees of freedom. Larger means the class means differ more than
    /// the noise around them. A column constant within every class but differing between
    /// classes scores +∞; a constant column scores 0.
    ///
    /// - Parameters:
    ///   - rows: `labels.count × columns` values, row-major.
    ///   - labels: class of each row, in `0..<classes`; rows with other labels are ignored.
    /// - Returns: `columns` scores (Double; two passes over the data, so no cancellation).
    package static func anovaF(_ rows: [Float], columns: Int, labels: [Int32], classes: Int) -> [Double] {
        precondition(columns >= 0 && classes >= 0 && rows.count == labels.count * columns, "anovaF: rows must hold labels.count × columns values")
        var classCount = [Double](repeating: 0, count: classes)
        var classSum = [Double](repeating: 0, count: classes * columns)
        var total = 0.0
        for (r, label) in labels.enumerated() where label >= 0 && Int(label) < classes {
            let c = Int(label)
            classCount[c] += 1
            total += 1
            for j in 0..<columns { classSum[c * columns + j] += Double(rows[r * columns + j]) }
        }
        let populated = classCount.filter { $0 > 0 }.count
        guard populated > 1, total > Double(populated) else { return [Double](repeating: 0, count: columns) }

        var grandMean = [Double](repeating: 0, count: columns)
        for c in 0..<classes where classCount[c] > 0 {
            for j in 0..<columns {
                grandMean[j] += classSum[c * columns + j]
                classSum[c * columns + j] /= classCount[c]  // now the class mean
            }
        }
        for j in 0..<columns { grandMean[j] /= total }

        var within = [Double](repeating: 0, count: columns)
        for (r, label) in labels.enumerated() where label >= 0 && Int(label) < classes {
            let c = Int(label)
            for j in 0..<columns {
                let deviation = Double(rows[r * columns + j]) - classSum[c * columns + j]
                within[j] += deviation * deviation
            }
        }
        let betweenDegrees = Double(populated - 1)
        let withinDegrees = total - Double(populated)
        return (0..<columns).map { j in
            var between = 0.0
            for c in 0..<classes where classCount[c] > 0 {
                let deviation = classSum[c * columns + j] - grandMean[j]
                between += classCount[c] * deviation * deviation
            }
            // A constant column: rounding in the means must not turn it into a perfect separator.
            let magnitude = max(1, grandMean[j] * grandMean[j]) * total
            if between + within[j] <= 1e-24 * magnitude { return 0 }
            if within[j] == 0 { return .infinity }
            return (between / betweenDegrees) / (within[j] / withinDegrees)
        }
    }

    /// Indices of the `count` highest scores, best first (ties: lower index first).
    package static func mostInformative(_ scores: [Double], count: Int) -> [Int] {
        let order = scores.indices.sorted { lhs, rhs in
            let a = scores[lhs].isNaN ? -Double.infinity : scores[lhs]
            let b = scores[rhs].isNaN ? -Double.infinity : scores[rhs]
            return a > b || (a == b && lhs < rhs)
        }
        return Array(order.prefix(max(0, count)))
    }
}
