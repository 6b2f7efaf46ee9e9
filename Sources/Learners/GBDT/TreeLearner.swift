import Dispatch

/// Grows one regression tree on (gradient, hessian) pairs, leaf-wise: always split the leaf whose
/// best split gains most, until `numLeaves`. Buffers (row order, one histogram per leaf, ordered
/// gradients) are allocated once and reused by every tree of a training run.
final class TreeLearner {
    private let rowCount: Int
    /// Bins feature-major (`columns[f * rowCount + r]`): histograms and partitions read one
    /// feature of a leaf's rows in ascending order, 64 rows per cache line.
    private let columns: UnsafeMutablePointer<UInt8>
    private let upperBounds: [[Float]]
    private let binCounts: [Int32]
    private let offsets: [Int32]
    private let totalBins: Int
    private let maxLeaves: Int
    private let maxDepth: Int
    private let learningRate: Double
    private let lambda: Double
    private let threads: Int
    private let finder: SplitFinder

    /// Row indices, partitioned so every leaf owns a contiguous, ascending range.
    private(set) var order: UnsafeMutablePointer<Int32>
    private let spill: UnsafeMutablePointer<Int32>
    /// `maxLeaves` histograms; leaf i uses slot `slotOfLeaf[i]`.
    private let pool: UnsafeMutablePointer<Histogram.Bin>
    /// A leaf's gradients gathered in its row order, read once per feature.
    private let orderedGradients: UnsafeMutablePointer<SIMD2<Float>>

    /// Below this many rows a histogram is built on one thread (dispatch costs more than it saves).
    private static let rowsPerThreadMinimum = 2048

    init(columns binned: [UInt8], rows: Int, mapper: BinMapper, params: GBDTParams) {
        precondition(binned.count == rows * mapper.featureCount, "TreeLearner: binned columns must hold rows × features bytes")
        rowCount = rows
        upperBounds = mapper.upperBounds
        let counts = mapper.upperBounds.map { Int32($0.count) }
        binCounts = counts
        var starts: [Int32] = []
        var total = 0
        for count in counts { starts.append(Int32(total)); total += Int(count) }
        offsets = starts
        totalBins = max(total, 1)
        maxLeaves = max(2, params.numLeaves)
        maxDepth = params.maxDepth
        learningRate = Double(params.learningRate)
        lambda = Double(params.lambdaL2)
        threads = max(1, params.threads)
        finder = SplitFinder(params)

        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(binned.count, 1))
        binned.withUnsafeBufferPointer { storage.initialize(from: $0.baseAddress!, count: binned.count) }
        columns = storage
        order = .allocate(capacity: max(rows, 1))
        spill = .allocate(capacity: max(rows, 1))
        pool = .allocate(capacity: maxLeaves * totalBins)
        pool.initialize(repeating: .zero, count: maxLeaves * totalBins)
        orderedGradients = .allocate(capacity: max(rows, 1))
    }

    deinit {
        columns.deallocate()
        order.deallocate()
        spill.deallocate()
        pool.deallocate()
        orderedGradients.deallocate()
    }

    var binnedColumns: UnsafePointer<UInt8> { UnsafePointer(columns) }

    /// Grows a tree on the rows in `bag`, splitting only on `features` (sorted, each with ≥ 2 bins).
    func grow(gradients: UnsafePointer<SIMD2<Float>>, bag: UnsafeBufferPointer<Int32>, features: [Int32]) -> GrownTree {
        guard let bagStart = bag.baseAddress, !bag.isEmpty else {
            return GrownTree(nodes: [], splitBins: [], leafValues: [0], leafBegin: [0], leafCounts: [0])
        }
        order.update(from: bagStart, count: bag.count)
        let featureOffsets = features.map { offsets[Int($0)] }
        let ranges = features.map { Int(offsets[Int($0)])..<Int(offsets[Int($0)] + binCounts[Int($0)]) }

        var tree = GrownTree()
        var leafBegin = [0], leafCount = [bag.count], leafDepth = [0]
        var sumG = [0.0], sumH = [0.0]
        var slotOfLeaf = Array(0..<maxLeaves)
        var best = [SplitCandidate.none]
        /// The node whose child reference points at the leaf (−1 for the root leaf), and which side.
        var parentNode = [-1], parentLeft = [true]

        func histogram(_ leaf: Int) -> UnsafeMutablePointer<Histogram.Bin> { pool + slotOfLeaf[leaf] * totalBins }

        func findBest(_ leaf: Int) -> SplitCandidate {
            if maxDepth > 0 && leafDepth[leaf] >= maxDepth { return .none }
            return features.withUnsafeBufferPointer { f in
                offsets.withUnsafeBufferPointer { o in
                    binCounts.withUnsafeBufferPointer { c in
                        finder.best(in: histogram(leaf), features: f, offsets: o, binCounts: c,
                                    sumGradient: sumG[leaf], sumHessian: sumH[leaf], count: leafCount[leaf])
                    }
                }
            }
        }

        ranges.withUnsafeBufferPointer { ranges in
            features.withUnsafeBufferPointer { features in
                featureOffsets.withUnsafeBufferPointer { featureOffsets in
                    let build = { (leaf: Int) in
                        self.buildHistogram(histogram(leaf), begin: leafBegin[leaf], count: leafCount[leaf], gradients: gradients,
                                            features: features, featureOffsets: featureOffsets, ranges: ranges)
                    }
                    // Root: its histogram also yields the leaf sums (any feature's bins add up to them).
                    if !features.isEmpty {
                        build(0)
                        let root = histogram(0)
                        for i in ranges[0] { sumG[0] += root[i].x; sumH[0] += root[i].y }
                    } else {
                        for i in 0..<bag.count {
                            let g = gradients[Int(bag[i])]
                            sumG[0] += Double(g.x)
                            sumH[0] += Double(g.y)
                        }
                    }
                    if !features.isEmpty { best[0] = findBest(0) }

                    while leafBegin.count < maxLeaves {
                        var chosen = -1
                        var chosenGain = 0.0
                        for leaf in best.indices where best[leaf].gain > chosenGain {
                            chosen = leaf
                            chosenGain = best[leaf].gain
                        }
                        if chosen < 0 { break }
                        let split = best[chosen]
                        let leftRows = partition(begin: leafBegin[chosen], count: leafCount[chosen], feature: split.feature, bin: split.bin)

                        let node = Int32(tree.nodes.count)
                        let newLeaf = leafBegin.count
                        tree.nodes.append(TreeNode(feature: Int32(split.feature), threshold: upperBounds[split.feature][split.bin],
                                                   left: ~Int32(chosen), right: ~Int32(newLeaf)))
                        tree.splitBins.append(UInt8(split.bin))
                        if parentNode[chosen] >= 0 {
                            if parentLeft[chosen] { tree.nodes[parentNode[chosen]].left = node } else { tree.nodes[parentNode[chosen]].right = node }
                        }

                        leafBegin.append(leafBegin[chosen] + leftRows)
                        leafCount.append(leafCount[chosen] - leftRows)
                        leafCount[chosen] = leftRows
                        sumG.append(sumG[chosen] - split.leftGradient)
                        sumH.append(sumH[chosen] - split.leftHessian)
                        sumG[chosen] = split.leftGradient
                        sumH[chosen] = split.leftHessian
                        leafDepth[chosen] += 1
                        leafDepth.append(leafDepth[chosen])
                        parentNode[chosen] = Int(node)
                        parentLeft[chosen] = true
                        parentNode.append(Int(node))
                        parentLeft.append(false)
                        best[chosen] = .none
                        best.append(.none)

                        // The last split needs no child histograms: nothing will split them.
                        if leafBegin.count == maxLeaves { break }
                        let depthAllows = maxDepth <= 0 || leafDepth[chosen] < maxDepth
                        let leftUseful = depthAllows && finder.canSplit(count: leafCount[chosen], sumHessian: sumH[chosen])
                        let rightUseful = depthAllows && finder.canSplit(count: leafCount[newLeaf], sumHessian: sumH[newLeaf])
                        if !leftUseful && !rightUseful { continue }

                        // Build the smaller child into the free slot; the parent's histogram minus it is the larger child.
                        let parentSlot = slotOfLeaf[chosen]
                        let smaller = leafCount[chosen] <= leafCount[newLeaf] ? chosen : newLeaf
                        let larger = smaller == chosen ? newLeaf : chosen
                        slotOfLeaf[smaller] = newLeaf
                        slotOfLeaf[larger] = parentSlot
                        build(smaller)
                        Histogram.subtract(histogram(smaller), from: histogram(larger), ranges: ranges)
                        if leftUseful { best[chosen] = findBest(chosen) }
                        if rightUseful { best[newLeaf] = findBest(newLeaf) }
                    }
                }
            }
        }

        for leaf in leafBegin.indices {
            let denominator = sumH[leaf] + lambda
            tree.leafValues.append(denominator > 0 ? Float(-sumG[leaf] / denominator * learningRate) : 0)
        }
        tree.leafBegin = leafBegin
        tree.leafCounts = leafCount
        return tree
    }

    /// Stable partition of `order[begin ..< begin+count]`: rows with bin ≤ `bin` first. Returns their count.
    /// Branch-free: each row is written to both sides and only the matching cursor advances,
    /// since the direction is a coin flip the predictor cannot learn.
    private func partition(begin: Int, count: Int, feature: Int, bin: Int) -> Int {
        let rows = order + begin
        let spill = self.spill
        let column = UnsafePointer(columns + feature * rowCount)
        let limit = UInt8(bin)
        var left = 0, right = 0
        for i in 0..<count {
            let row = rows[i]
            let goesLeft = column[Int(row)] <= limit ? 1 : 0
            rows[left] = row
            spill[right] = row
            left &+= goesLeft
            right &+= 1 &- goesLeft
        }
        (rows + left).update(from: spill, count: right)
        return left
    }

    /// Gathers the leaf's gradients once, then fills each selected feature's histogram range;
    /// features are shared out between threads, which write disjoint ranges (nothing to merge).
    private func buildHistogram(
        _ histogram: UnsafeMutablePointer<Histogram.Bin>, begin: Int, count: Int, gradients: UnsafePointer<SIMD2<Float>>,
        features: UnsafeBufferPointer<Int32>, featureOffsets: UnsafeBufferPointer<Int32>, ranges: UnsafeBufferPointer<Range<Int>>
    ) {
        let rows = UnsafePointer(order + begin)
        Histogram.clear(histogram, ranges: ranges)
        let ordered = orderedGradients
        for i in 0..<count { ordered[i] = gradients[Int(rows[i])] }
        let columns = UnsafePointer(self.columns), rowCount = self.rowCount
        let chunks = min(threads, features.count, max(1, count / Self.rowsPerThreadMinimum))
        let fill = { (chunk: Int) in
            for j in stride(from: chunk, to: features.count, by: chunks) {
                Histogram.accumulateColumn(into: histogram + Int(featureOffsets[j]), rows: rows, count: count,
                                           column: columns + Int(features[j]) * rowCount, orderedGradients: UnsafePointer(ordered))
            }
        }
        if chunks <= 1 { fill(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: fill) }
    }
}
