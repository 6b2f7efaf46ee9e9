import Foundation
import GBDTCore

func load(_ path: String) -> (GBDTDataset, [Float], [Int32]) {
    let data = FileManager.default.contents(atPath: path)!
    return data.withUnsafeBytes { raw in
        let n = Int(raw.load(fromByteOffset: 0, as: Int32.self)), d = Int(raw.load(fromByteOffset: 4, as: Int32.self))
        let x = Array(UnsafeBufferPointer(start: raw.baseAddress!.advanced(by: 8).assumingMemoryBound(to: Float.self), count: n * d))
        let y = Array(UnsafeBufferPointer(start: raw.baseAddress!.advanced(by: 8 + 4 * n * d).assumingMemoryBound(to: Int32.self), count: n))
        return (GBDTDataset(features: x, rows: n, columns: d, labels: y), x, y)
    }
}
let args = CommandLine.arguments
let train = load("/tmp/gbdtbench/train.bin").0
let (_, testX, testY) = load("/tmp/gbdtbench/test.bin")
var params = GBDTParams()
params.threads = args.count > 1 ? Int(args[1])! : 2
params.rounds = args.count > 2 ? Int(args[2])! : 100
params.earlyStoppingRounds = 0
let start = Date()
let model = GBDTModel.train(train, classes: 31, params: params)
let elapsed = Date().timeIntervalSince(start)
var p = [Float](repeating: 0, count: 31)
var correct = 0
let cols = testX.count / testY.count
testX.withUnsafeBufferPointer { x in
    for r in 0..<testY.count {
        model.predictProbabilities(x.baseAddress! + r * cols, into: &p)
        if p.indices.max(by: { p[$0] < p[$1] })! == Int(testY[r]) { correct += 1 }
    }
}
print(String(format: "domcat-gbdt threads=%d train_s=%.2f acc=%.4f trees=%d", params.threads, elapsed, Double(correct) / Double(testY.count), model.treeCount))
