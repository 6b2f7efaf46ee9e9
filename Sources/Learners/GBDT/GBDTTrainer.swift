import DomainKit
import Dispatch
import Features
import Foundation

/// The boosting loop for the multiclass softmax objective: each round computes p = softmax(scores)
/// per row, then for every class k fits a tree to gradients `p_k − y_k` and hessians
/// `K/(K−1)·p_k(1−p_k)` (LightGBM's scaling), and adds its leaf values to the scores.
struct GBDTTrainer {
    private let data: GBDTDataset
    private let classes: Int
    private let params: GBDTParams
    private let validation: GBDTDataset?
    private let mapper: BinMapper
    private let learner: TreeLearner
    private var forest: Forest
    private let baseScores: [Float]
    /// classes × rows (class-major, so one tree's updates touch one contiguous block):
    /// the current raw scores of every training row.
    private var scores: [Float]
    /// classes × validation rows, the same way.
    private var validationScores: [Float]
    /// classes × rows: (gradient, hessian) of every row for each class's tree.
    private var gradients: [SIMD2<Float>]
    private var generator: SplitMix
    private let usableFeatures: [Int32]
    /// Classes that get a tree each round. Continuing a model, a class with no row in the batch gets
    /// none: its only gradient would be "lower it everywhere", and a batch that merely lacks a label
    /// would make the model forget it (trees on batches without `ads` turned ads names into `news`).
    private let boostedClasses: [Int]
    private let threads: Int

    init(data: GBDTDataset, classes requested: Int, params: GBDTParams, validation: GBDTDataset?, initModel: GBDTModel?) {
        let k = max(requested, initModel?.numClasses ?? 0)
        precondition(k >= 1, "GBDT: need at least one class")
        precondition(data.rows > 0, "GBDT: no training rows")
        precondition(data.labels.allSatisfy { $0 >= 0 && Int($0) < k }, "GBDT: labels must lie in 0..<\(k)")
        if let initModel {
            precondition(initModel.numFeatures == data.columns, "GBDT: init model has \(initModel.numFeatures) features, data \(data.columns)")
        }
        if let validation {
            precondition(validation.columns == data.columns, "GBDT: validation has \(validation.columns) columns, data \(data.columns)")
            precondition(validation.labels.allSatisfy { $0 >= 0 && Int($0) < k }, "GBDT: validation labels must lie in 0..<\(k)")
        }
        self.data = data
        self.classes = k
        self.params = params
        self.validation = validation
        threads = max(1, params.threads)
        generator = SplitMix(seed: params.seed)
        let mapper = initModel?.binMapper ?? BinMapper.fit(data, maxBins: params.maxBins, seed: params.seed)
        self.mapper = mapper
        learner = TreeLearner(columns: mapper.binColumns(data, threads: max(1, params.threads)), rows: data.rows, mapper: mapper, params: params)
        forest = initModel?.forest ?? Forest()
        usableFeatures = mapper.upperBounds.indices.filter { mapper.upperBounds[$0].count > 1 }.map { Int32($0) }

        // Log priors; a class missing from the data counts as half a row so its score stays finite.
        var counts = [Double](repeating: 0, count: k)
        for label in data.labels { counts[Int(label)] += 1 }
        boostedClasses = initModel == nil ? Array(0..<k) : (0..<k).filter { counts[$0] > 0 }
        let rowTotal = Double(max(data.rows, 1))
        let priors = counts.map { Float(log(max($0, 0.5) / rowTotal)) }
        var base = initModel?.baseScores ?? []
        base.append(contentsOf: priors[base.count...])
        baseScores = base

        scores = Self.initialScores(data, classes: k, base: base, initModel: initModel, threads: max(1, params.threads))
        let threadCount = max(1, params.threads)
        if let validation {
            validationScores = Self.initialScores(validation, classes: k, base: base, initModel: initModel, threads: threadCount)
        } else {
            validationScores = []
        }
        gradients = [SIMD2<Float>](repeating: .zero, count: k * data.rows)
    }

    /// Raw scores to boost from, class-major: the init model's predictions (new classes at their base score).
    private static func initialScores(_ set: GBDTDataset, classes: Int, base: [Float], initModel: GBDTModel?, threads: Int) -> [Float] {
        let rows = set.rows, columns = set.columns
        var result = [Float](repeating: 0, count: rows * classes)
        for c in 0..<classes { for r in 0..<rows { result[c * rows + r] = base[c] } }
        guard let initModel, initModel.treeCount > 0 else { return result }
        set.features.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { out in
                let xBase = x.baseAddress!, outBase = out.baseAddress!
                let chunks = max(1, min(threads, rows / 1024))
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { buffer in
                        let rowScores = buffer.baseAddress!
                        for r in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                            rowScores.update(repeating: 0, count: classes)
                            initModel.forest.accumulate(xBase + r * columns, into: rowScores)
                            for c in 0..<classes { outBase[c * rows + r] += rowScores[c] }
                        }
                    }
                }
            }
        }
        return result
    }

    mutating func run(deadline: Deadline? = nil, progress: ((Int, Double) -> Void)?) -> GBDTModel {
        let rows = data.rows
        var bag = Array(0..<Int32(rows))
        var outOfBag: [Int32] = []
        let bagging = params.baggingFreq > 0 && params.baggingFraction < 1 && rows > 0
        let earlyStopping = validation != nil && params.earlyStoppingRounds > 0
        var bestLoss = Double.infinity
        var bestMark = forest.mark
        var bestRound = -1

        for round in 0..<max(0, params.rounds) {
            if let deadline, deadline.hasPassed { break }
            if bagging && round % params.baggingFreq == 0 { drawBag(&bag, &outOfBag) }
            computeGradients()
            for k in boostedClasses {
                let features = sampleFeatures()
                let tree = gradients.withUnsafeBufferPointer { g in
                    bag.withUnsafeBufferPointer { learner.grow(gradients: g.baseAddress! + k * rows, bag: $0, features: features) }
                }
                applyToTraining(tree, classIndex: k, outOfBag: outOfBag)
                forest.append(tree, classIndex: k)
                if validation != nil { applyToValidation(treeIndex: forest.treeCount - 1, classIndex: k) }
            }
            if validation != nil || progress != nil {
                let loss = validation.map { Self.multiLogloss(validationScores, labels: $0.labels, classes: classes) }
                    ?? Self.multiLogloss(scores, labels: data.labels, classes: classes)
                progress?(round + 1, loss)
                if earlyStopping {
                    if loss < bestLoss {
                        bestLoss = loss
                        bestRound = round
                        bestMark = forest.mark
                    } else if round - bestRound >= params.earlyStoppingRounds {
                        break
                    }
                }
            }
        }
        if earlyStopping && bestRound >= 0 { forest.truncate(to: bestMark) }
        return GBDTModel(numClasses: classes, binMapper: mapper, baseScores: baseScores, forest: forest)
    }

    /// Bernoulli row sampling, kept sorted so histogram building reads rows in memory order.
    private mutating func drawBag(_ bag: inout [Int32], _ outOfBag: inout [Int32]) {
        bag.removeAll(keepingCapacity: true)
        outOfBag.removeAll(keepingCapacity: true)
        for r in 0..<Int32(data.rows) {
            if generator.nextUnit() < params.baggingFraction { bag.append(r) } else { outOfBag.append(r) }
        }
    }

    /// A fresh random subset of the usable features for each tree (at least one), sorted.
    private mutating func sampleFeatures() -> [Int32] {
        var pool = usableFeatures
        let wanted = min(pool.count, max(1, Int(Float(pool.count) * params.featureFraction + 0.5)))
        if wanted == pool.count { return pool }
        for i in 0..<wanted {
            let j = i + Int(generator.next() % UInt64(pool.count - i))
            pool.swapAt(i, j)
        }
        return pool[0..<wanted].sorted()
    }

    private mutating func computeGradients() {
        let rows = data.rows, k = classes
        let factor: Float = k > 1 ? Float(k) / Float(k - 1) : 1
        let chunks = max(1, min(threads, rows / 4096))
        data.labels.withUnsafeBufferPointer { labels in
            scores.withUnsafeBufferPointer { scores in
                gradients.withUnsafeMutableBufferPointer { gradients in
                    let labelBase = labels.baseAddress!, scoreBase = scores.baseAddress!, gradientBase = gradients.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { p in
                            let probabilities = p.baseAddress!
                            for r in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                                for c in 0..<k { probabilities[c] = scoreBase[c &* rows &+ r] }
                                Softmax.normalise(UnsafeMutableBufferPointer(start: probabilities, count: k))
                                let label = Int(labelBase[r])
                                for c in 0..<k {
                                    let pc = probabilities[c]
                                    gradientBase[c * rows + r] = SIMD2(c == label ? pc - 1 : pc, factor * pc * (1 - pc))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds the tree's leaf values to the training scores: bagged rows through the learner's
    /// partition, out-of-bag rows by walking the tree on their bins.
    private mutating func applyToTraining(_ tree: GrownTree, classIndex: Int, outOfBag: [Int32]) {
        let order = learner.order
        let columns = learner.binnedColumns, rows = data.rows
        scores.withUnsafeMutableBufferPointer { all in
            let scores = all.baseAddress! + classIndex * data.rows
            for leaf in tree.leafValues.indices {
                let value = tree.leafValues[leaf]
                let begin = tree.leafBegin[leaf]
                for i in begin..<(begin + tree.leafCounts[leaf]) { scores[Int(order[i])] += value }
            }
            for row in outOfBag {
                let r = Int(row)
                scores[r] += tree.leafValues[tree.leaf(row: r, columns: columns, rowCount: rows)]
            }
        }
    }

    private mutating func applyToValidation(treeIndex: Int, classIndex: Int) {
        guard let validation else { return }
        let columns = validation.columns, rows = validation.rows
        let root = forest.treeRoot[treeIndex]
        validation.features.withUnsafeBufferPointer { x in
            forest.nodes.withUnsafeBufferPointer { nodes in
                validationScores.withUnsafeMutableBufferPointer { scores in
                    for r in 0..<validation.rows {
                        let row = x.baseAddress! + r * columns
                        var node = root
                        while node >= 0 {
                            let n = nodes[Int(node)]
                            node = row[Int(n.feature)] > n.threshold ? n.right : n.left
                        }
                        scores[classIndex * rows + r] += forest.leafValues[Int(~node)]
                    }
                }
            }
        }
    }

    /// Mean of −log p(true class) over class-major scores, probabilities clamped at 1e-15 as LightGBM does.
    static func multiLogloss(_ scores: [Float], labels: [Int32], classes k: Int) -> Double {
        guard !labels.isEmpty else { return 0 }
        let n = labels.count
        var total = 0.0
        var row = [Float](repeating: 0, count: k)
        for (r, label) in labels.enumerated() {
            for c in 0..<k { row[c] = scores[c * n + r] }
            let logP = row.withUnsafeBufferPointer { Softmax.logProbability($0, label: Int(label)) }
            total -= max(logP, log(1e-15))
        }
        return total / Double(labels.count)
    }
}
