import Dispatch

/// Grows one regression tree on (gradient, hessian) pairs, leaf-wise: always split the leaf whose
/// best split gains most, until `numLeaves`. Buffers (row order, one histogram per leaf, per-thread
/// scratch) are allocated once and reused by every tree of a training run.
final class TreeLearner {
    private let rowCount: Int
    private let featureCount: Int
    private let bins: UnsafeMutablePointer<UInt8>
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

    /// Row indices, partitioned so every leaf owns a contiguous range.
    private(set) var order: UnsafeMutablePointer<Int32>
    private let spill: UnsafeMutablePointer<Int32>
    /// `maxLeaves` histograms; leaf i uses slot `slotOfLeaf[i]`.
    private let pool: UnsafeMutablePointer<Histogram.Bin>
    private let scratch: UnsafeMutablePointer<Histogram.Bin>

    /// Below this many rows a histogram is built on one thread (dispatch costs more than it saves).
    private static let rowsPerThreadMinimum = 2048

    init(binned: [UInt8], rows: Int, mapper: BinMapper, params: GBDTParams) {
        rowCount = rows
        featureCount = mapper.featureCount
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

        let binStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(binned.count, 1))
        binned.withUnsafeBufferPointer { binStorage.initialize(from: $0.baseAddress!, count: binned.count) }
        bins = binStorage
        order = .allocate(capacity: max(rows, 1))
        spill = .allocate(capacity: max(rows, 1))
        pool = .allocate(capacity: maxLeaves * totalBins)
        pool.initialize(repeating: .zero, count: maxLeaves * totalBins)
        scratch = .allocate(capacity: max(threads - 1, 1) * totalBins)
        scratch.initialize(repeating: .zero, count: max(threads - 1, 1) * totalBins)
    }

    deinit {
        bins.deallocate()
        order.deallocate()
        spill.deallocate()
        pool.deallocate()
        scratch.deallocate()
    }

    var binnedRows: UnsafePointer<UInt8> { UnsafePointer(bins) }

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
    private func partition(begin: Int, count: Int, feature: Int, bin: Int) -> Int {
        let rows = order + begin
        let column = bins + feature
        let limit = UInt8(bin)
        var left = 0, right = 0
        for i in 0..<count {
            let row = rows[i]
            if column[Int(row) &* featureCount] <= limit {
                rows[left] = row
                left += 1
            } else {
                spill[right] = row
                right += 1
            }
        }
        (rows + left).update(from: spill, count: right)
        return left
    }

    private func buildHistogram(
        _ histogram: UnsafeMutablePointer<Histogram.Bin>, begin: Int, count: Int, gradients: UnsafePointer<SIMD2<Float>>,
        features: UnsafeBufferPointer<Int32>, featureOffsets: UnsafeBufferPointer<Int32>, ranges: UnsafeBufferPointer<Range<Int>>
    ) {
        let chunks = min(threads, max(1, count / Self.rowsPerThreadMinimum))
        let rows = UnsafePointer(order + begin)
        let bins = UnsafePointer(self.bins)
        let stride = featureCount
        Histogram.clear(histogram, ranges: ranges)
        if chunks == 1 {
            Histogram.accumulate(into: histogram, rows: rows, count: count, bins: bins, stride: stride, gradients: gradients,
                                 features: features.baseAddress!, featureOffsets: featureOffsets.baseAddress!, featureCount: features.count)
            return
        }
        let scratch = self.scratch
        let totalBins = self.totalBins
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let target = chunk == 0 ? histogram : scratch + (chunk - 1) * totalBins
            if chunk > 0 { Histogram.clear(target, ranges: ranges) }
            let lower = count * chunk / chunks, upper = count * (chunk + 1) / chunks
            Histogram.accumulate(into: target, rows: rows + lower, count: upper - lower, bins: bins, stride: stride, gradients: gradients,
                                 features: features.baseAddress!, featureOffsets: featureOffsets.baseAddress!, featureCount: features.count)
        }
        for chunk in 1..<chunks { Histogram.add(scratch + (chunk - 1) * totalBins, to: histogram, ranges: ranges) }
    }
}
