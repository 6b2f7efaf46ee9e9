/// All trees of a model in four contiguous arrays: nodes and leaf values of every tree back to
/// back, with global indices, plus each tree's class and root. Prediction walks them with
/// integer indices only, no per-tree objects.
package struct Forest: Equatable {
    package var treeClass: [Int32] = []
    /// A node index (≥ 0) or `~leafIndex` for a tree that is a single leaf.
    package var treeRoot: [Int32] = []
    package var nodes: [TreeNode] = []
    package var leafValues: [Float] = []

    package init() {}

    package var treeCount: Int { treeClass.count }

    /// Appends a grown tree, shifting its local node and leaf indices to global ones.
    mutating func append(_ tree: GrownTree, classIndex: Int) {
        let nodeBase = Int32(nodes.count), leafBase = Int32(leafValues.count)
        func shift(_ reference: Int32) -> Int32 { reference >= 0 ? reference + nodeBase : ~(~reference + leafBase) }
        treeClass.append(Int32(classIndex))
        treeRoot.append(shift(tree.root))
        for node in tree.nodes {
            nodes.append(TreeNode(feature: node.feature, threshold: node.threshold, left: shift(node.left), right: shift(node.right)))
        }
        leafValues.append(contentsOf: tree.leafValues)
    }

    /// Size marks, to cut the forest back to an earlier round (early stopping).
    struct Mark { let trees: Int, nodes: Int, leaves: Int }

    var mark: Mark { Mark(trees: treeClass.count, nodes: nodes.count, leaves: leafValues.count) }

    mutating func truncate(to mark: Mark) {
        treeClass.removeSubrange(mark.trees...)
        treeRoot.removeSubrange(mark.trees...)
        nodes.removeSubrange(mark.nodes...)
        leafValues.removeSubrange(mark.leaves...)
    }

    /// `accumulate` for `count` rows of `width` features at once, scores `classes` per row: one tree at a
    /// time over every row, so a tree's nodes are read from memory once per batch, not once per name (a
    /// forest of 100 rounds × 123 classes is megabytes: per name, each tree was a chain of cache misses).
    /// Each row's sums are added in the same order as `accumulate`'s, so the scores are the same.
    func accumulate(rows: UnsafePointer<Float>, width: Int, count: Int, into scores: UnsafeMutablePointer<Float>, classes stride: Int) {
        treeClass.withUnsafeBufferPointer { classes in
            treeRoot.withUnsafeBufferPointer { roots in
                nodes.withUnsafeBufferPointer { nodes in
                    leafValues.withUnsafeBufferPointer { leaves in
                        for t in 0..<classes.count {
                            let root = roots[t], target = scores + Int(classes[t])
                            var r = 0
                            // Eight rows step down together, each by a select, not a branch: which way a node
                            // sends a row is unpredictable, and a mispredicted branch per level was the cost.
                            while r + 8 <= count {
                                // A row that reached a leaf stays there (it reads node 0 and ignores it) while the others go on.
                                var lanes = SIMD8<Int32>(repeating: root)
                                while lanes.max() >= 0 {
                                    for l in 0..<8 {
                                        let at = lanes[l]
                                        let n = nodes[Int(max(at, 0))]
                                        let next = rows[(r + l) * width + Int(n.feature)] > n.threshold ? n.right : n.left
                                        lanes[l] = at >= 0 ? next : at
                                    }
                                }
                                for l in 0..<8 { target[(r + l) * stride] += leaves[Int(~lanes[l])] }
                                r += 8
                            }
                            while r < count {
                                let row = rows + r * width
                                var node = root
                                while node >= 0 {
                                    let n = nodes[Int(node)]
                                    node = row[Int(n.feature)] > n.threshold ? n.right : n.left
                                }
                                target[r * stride] += leaves[Int(~node)]
                                r += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds every tree's leaf value for `row` to `scores[class]`.
    @inline(__always)
    func accumulate(_ row: UnsafePointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        treeClass.withUnsafeBufferPointer { classes in
            treeRoot.withUnsafeBufferPointer { roots in
                nodes.withUnsafeBufferPointer { nodes in
                    leafValues.withUnsafeBufferPointer { leaves in
                        for t in 0..<classes.count {
                            var node = roots[t]
                            while node >= 0 {
                                let n = nodes[Int(node)]
                                node = row[Int(n.feature)] > n.threshold ? n.right : n.left
                            }
                            scores[Int(classes[t])] += leaves[Int(~node)]
                        }
                    }
                }
            }
        }
    }
}
