/// One internal node of a flattened tree: 16 bytes, so a traversal step is one cache-line read.
///
/// A child reference ≥ 0 is a node index; a negative one is `~leafIndex`. Children always have
/// larger node indices than their parent (nodes are numbered in split order), which is what
/// lets a loaded model prove every traversal ends.
package struct TreeNode: Equatable {
    package var feature: Int32
    /// Raw feature value: `x <= threshold` (or NaN) goes left.
    package var threshold: Float
    package var left: Int32
    package var right: Int32

    package init(feature: Int32, threshold: Float, left: Int32, right: Int32) {
        self.feature = feature; self.threshold = threshold; self.left = left; self.right = right
    }
}

/// A tree as the learner grew it, still tied to the training rows.
struct GrownTree {
    var nodes: [TreeNode] = []
    /// The split bin of each node, for routing rows by their binned values.
    var splitBins: [UInt8] = []
    /// Leaf outputs, already multiplied by the learning rate.
    var leafValues: [Float] = []
    /// Each leaf's rows are `learner.order[leafBegin[i] ..< leafBegin[i] + leafCounts[i]]`.
    var leafBegin: [Int] = []
    var leafCounts: [Int] = []

    var root: Int32 { nodes.isEmpty ? ~0 : 0 }

    /// The leaf row `row` falls into, read from feature-major bins (`columns[f * rowCount + row]`).
    @inline(__always)
    func leaf(row: Int, columns: UnsafePointer<UInt8>, rowCount: Int) -> Int {
        var node = root
        while node >= 0 {
            let n = nodes[Int(node)]
            node = columns[Int(n.feature) * rowCount + row] <= splitBins[Int(node)] ? n.left : n.right
        }
        return Int(~node)
    }
}
