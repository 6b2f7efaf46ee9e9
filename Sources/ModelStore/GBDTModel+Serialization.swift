import DomainKit
import Learners

/// Why a byte string is not a model this build can load.
package enum GBDTModelError: Error, Equatable, CustomStringConvertible {
    case badMagic
    case unsupportedVersion(UInt32)
    case truncated
    case checksumMismatch
    case corrupt(String)

    package var description: String {
        switch self {
        case .badMagic: return "not a domcat GBDT model (bad magic)"
        case .unsupportedVersion(let v): return "GBDT model format version \(v) is not supported (this build reads 1)"
        case .truncated: return "GBDT model is truncated"
        case .checksumMismatch: return "GBDT model checksum mismatch (corrupt bytes)"
        case .corrupt(let why): return "GBDT model is corrupt: \(why)"
        }
    }
}

/// Binary layout, little-endian, version 1:
///
///     "DGBT" u32:version u32:classes u32:features
///     per feature: u32:binCount f32×binCount (upper bounds)
///     f32×classes (base scores)
///     u32:trees u32:nodes u32:leaves
///     per tree: i32:class i32:root
///     per node: i32:feature f32:threshold i32:left i32:right
///     f32×leaves
///     u64: FNV-1a of every byte before it
///
/// Loading checks the checksum and then every index, so no byte string can make prediction
/// read out of bounds or loop: children must point forward, features and leaves must exist.
extension GBDTModel {
    static let magic: [UInt8] = Array("DGBT".utf8)
    static let formatVersion: UInt32 = 1

    package func serialized() -> [UInt8] {
        var out = ByteWriter()
        out.bytes.append(contentsOf: Self.magic)
        out.u32(Self.formatVersion)
        out.u32(UInt32(numClasses))
        out.u32(UInt32(numFeatures))
        for bounds in binMapper.upperBounds {
            out.u32(UInt32(bounds.count))
            for b in bounds { out.f32(b) }
        }
        for s in baseScores { out.f32(s) }
        out.u32(UInt32(forest.treeCount))
        out.u32(UInt32(forest.nodes.count))
        out.u32(UInt32(forest.leafValues.count))
        for t in 0..<forest.treeCount {
            out.i32(forest.treeClass[t])
            out.i32(forest.treeRoot[t])
        }
        for node in forest.nodes {
            out.i32(node.feature)
            out.f32(node.threshold)
            out.i32(node.left)
            out.i32(node.right)
        }
        for v in forest.leafValues { out.f32(v) }
        out.u64(checksum(out.bytes[...]))
        return out.bytes
    }

    package convenience init(serialized bytes: [UInt8]) throws {
        guard bytes.count >= 4 else { throw GBDTModelError.truncated }
        guard Array(bytes[0..<4]) == Self.magic else { throw GBDTModelError.badMagic }
        var reader = ByteReader(bytes: bytes, offset: 4, truncated: GBDTModelError.truncated)
        let version = try reader.u32()
        guard version == Self.formatVersion else { throw GBDTModelError.unsupportedVersion(version) }
        guard bytes.count >= 8 + 8 else { throw GBDTModelError.truncated }
        var checksumReader = ByteReader(bytes: bytes, offset: bytes.count - 8, truncated: GBDTModelError.truncated)
        guard try checksumReader.u64() == checksum(bytes[..<(bytes.count - 8)]) else { throw GBDTModelError.checksumMismatch }
        reader.end = bytes.count - 8

        let classes = Int(try reader.u32())
        let features = Int(try reader.u32())
        guard classes >= 1, classes <= 1 << 24 else { throw GBDTModelError.corrupt("class count \(classes)") }
        guard features >= 1, features <= 1 << 24 else { throw GBDTModelError.corrupt("feature count \(features)") }
        var bounds: [[Float]] = []
        for f in 0..<features {
            let count = Int(try reader.u32())
            guard (1...256).contains(count) else { throw GBDTModelError.corrupt("feature \(f) has \(count) bins") }
            let edges = try reader.f32s(count)
            guard edges.last == .infinity, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw GBDTModelError.corrupt("feature \(f) bin edges are not ascending to +inf")
            }
            bounds.append(edges)
        }
        let base = try reader.f32s(classes)
        let trees = Int(try reader.u32()), nodeCount = Int(try reader.u32()), leafCount = Int(try reader.u32())
        try reader.require(trees * 8)
        var forest = Forest()
        forest.treeClass.reserveCapacity(trees)
        forest.treeRoot.reserveCapacity(trees)
        for _ in 0..<trees {
            forest.treeClass.append(try reader.i32())
            forest.treeRoot.append(try reader.i32())
        }
        try reader.require(nodeCount * 16)
        forest.nodes.reserveCapacity(nodeCount)
        for _ in 0..<nodeCount {
            forest.nodes.append(TreeNode(feature: try reader.i32(), threshold: try reader.f32(), left: try reader.i32(), right: try reader.i32()))
        }
        forest.leafValues = try reader.f32s(leafCount)
        guard reader.offset == reader.end else { throw GBDTModelError.corrupt("\(reader.end - reader.offset) unexpected trailing bytes") }

        func valid(_ reference: Int32, after parent: Int) -> Bool {
            reference >= 0 ? Int(reference) > parent && Int(reference) < nodeCount : Int(~reference) < leafCount
        }
        for t in 0..<trees {
            guard forest.treeClass[t] >= 0, Int(forest.treeClass[t]) < classes else { throw GBDTModelError.corrupt("tree \(t) class out of range") }
            guard valid(forest.treeRoot[t], after: -1) else { throw GBDTModelError.corrupt("tree \(t) root out of range") }
        }
        for (i, node) in forest.nodes.enumerated() {
            guard node.feature >= 0, Int(node.feature) < features else { throw GBDTModelError.corrupt("node \(i) feature out of range") }
            guard valid(node.left, after: i), valid(node.right, after: i) else { throw GBDTModelError.corrupt("node \(i) child out of range") }
        }
        self.init(numClasses: classes, binMapper: BinMapper(upperBounds: bounds), baseScores: base, forest: forest)
    }
}

/// 64-bit FNV-1a: cheap, and enough to catch truncation and flipped bytes (the model file adds SHA-256).
private func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.withUnsafeBufferPointer { FNV1a64.hash($0) }
}
