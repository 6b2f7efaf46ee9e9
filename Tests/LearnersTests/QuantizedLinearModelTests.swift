import DomainKit
import Learners
import XCTest

final class QuantizedLinearModelTests: XCTestCase {
    let suffixes = PublicSuffixList(text: "com\nnet\norg\n")

    func trained(_ output: OutputLayer, weighting: FeatureWeighting) -> (LinearModel, [Domain], [String]) {
        var p = LinearParams()
        p.bucketBits = 14
        p.dimension = 8
        p.epochs = 10
        p.output = output
        p.weighting = weighting
        var domains: [Domain] = [], labels: [String] = []
        for i in 0..<150 {
            domains.append(Domain(normalised: "ads\(i).adserver\(i % 7).com")); labels.append("ads")
            domains.append(Domain(normalised: "shop\(i).store\(i % 5).net")); labels.append("shopping")
            domains.append(Domain(normalised: "news\(i).daily\(i % 3).org")); labels.append("news")
        }
        let model = LinearModel(labels: ["ads", "shopping", "news"], params: p, suffixes: suffixes)
        train(model, domains, labels)
        return (model, domains, labels)
    }

    /// Every row within half a step of its int8 code of the float row; probabilities within a hair.
    func testInt8RowsAnswerAsTheFloatModel() throws {
        for (output, weighting) in [(OutputLayer.direct, FeatureWeighting.idf), (.embedding, .mean)] {
            let (model, domains, _) = trained(output, weighting: weighting)
            let small = try model.quantized(Quantization())
            XCTAssertEqual(small.input.kept, (0..<model.input.rows).count { r in (0..<model.input.columns).contains { model.input.row(r)[$0] != 0 } })
            for r in 0..<model.input.rows where (0..<model.input.columns).contains(where: { model.input.row(r)[$0] != 0 }) {
                let float = (0..<model.input.columns).map { model.input.row(r)[$0] }
                let step = float.map(abs).max()! / 127
                for (a, b) in zip(float, small.input.values(r)) { XCTAssertEqual(a, b, accuracy: step / 2 + 1e-6) }
            }
            for name in domains.prefix(60) + [Domain(normalised: "unseen.example.com")] {
                let a = model.classify(name, k: 3), b = small.classify(name, k: 3)
                XCTAssertEqual(a.first?.label, b.first?.label, "\(name.name)")
                for (x, y) in zip(a, b) { XCTAssertEqual(x.probability, y.probability, accuracy: 0.02) }
            }
            var each: [[LabelScore]] = Array(repeating: [], count: domains.count)
            small.classifyEach(domains, k: 2, workspace: ClassifierWorkspace()) { i, top in each[i] = top }
            XCTAssertEqual(each, domains.map { small.classify($0, k: 2) })
            XCTAssertEqual(small.explain(domains[0], label: 0).map(\.token), model.explain(domains[0], label: 0).map(\.token))
        }
    }

    /// A cutoff keeps exactly that many rows, the heaviest by norm (or by use), and the others read as zero.
    func testCutoffKeepsTheMostImportantRows() throws {
        let (model, domains, labels) = trained(.direct, weighting: .idf)
        let columns = model.input.columns  // one per label
        let nonZero = (0..<model.input.rows).filter { r in (0..<columns).contains { model.input.row(r)[$0] != 0 } }
        let cutoff = nonZero.count / 3
        let byNorm = try model.quantized(Quantization(cutoff: cutoff, prune: .norm))
        XCTAssertEqual(byNorm.input.kept, cutoff)
        XCTAssertEqual(byNorm.params.quantization, Quantization(cutoff: cutoff, prune: .norm))
        let norm = { (r: Int) -> Float in (0..<columns).map { model.input.row(r)[$0] * model.input.row(r)[$0] }.reduce(0, +).squareRoot() * model.documentFrequency!.idf[r] }
        let keptNorms = nonZero.filter { byNorm.input.row($0) != nil }.map(norm)
        let droppedNorms = nonZero.filter { byNorm.input.row($0) == nil }.map(norm)
        XCTAssertGreaterThanOrEqual(keptNorms.min()!, droppedNorms.max()!)
        for r in nonZero where byNorm.input.row(r) == nil { XCTAssertEqual(byNorm.input.values(r), [Float](repeating: 0, count: columns)) }
        let byUse = try model.quantized(Quantization(cutoff: cutoff, prune: .use))
        XCTAssertEqual(byUse.input.kept, cutoff)
        let counts = model.documentFrequency!.counts
        XCTAssertGreaterThanOrEqual(nonZero.filter { byUse.input.row($0) != nil }.map { counts[$0] }.min()!,
                                    nonZero.filter { byUse.input.row($0) == nil }.map { counts[$0] }.max()!)
        // A third of the rows still separates these names.
        XCTAssertGreaterThan(Evaluation.evaluate(byNorm, domains: domains, truth: labels).accuracy, 0.9)
        // Mean pooling has no training counts to prune by.
        let (mean, _, _) = trained(.embedding, weighting: .mean)
        XCTAssertThrowsError(try mean.quantized(Quantization(cutoff: 10, prune: .use)))
    }

    /// Damaged table bytes are refused with a reason, never read out of bounds.
    func testDamagedTableBytesAreRefused() throws {
        let (model, _, _) = trained(.direct, weighting: .idf)
        let bytes = QuantizedTable.bytes(of: model.input) { $0 % 2 == 0 }
        let good = AlignedBytes(bytes)
        XCTAssertNoThrow(try QuantizedTable(bytes: good.buffer, owner: good))
        func refused(_ change: (inout [UInt8]) -> Void) {
            var damaged = bytes
            change(&damaged)
            let copy = AlignedBytes(damaged)
            XCTAssertThrowsError(try QuantizedTable(bytes: copy.buffer, owner: copy)) { XCTAssertTrue($0 is ModelDataError) }
        }
        refused { $0.removeLast() }
        refused { $0[0] = 0xff; $0[3] = 0x7f }               // rows
        refused { $0[8] &+= 1 }                                // kept
        refused { $0[16] ^= 0x80 }                             // a bitmap bit: ranks and kept disagree
        let rowStart = QuantizedTable.bytes(of: model.input) { _ in false }.count  // no rows: where the first one starts
        XCTAssertLessThan(rowStart, bytes.count)
        refused { $0.replaceSubrange(rowStart..<rowStart + 4, with: [0, 0, 0xc0, 0x7f]) }  // a NaN scale
        let weights = QuantizedWeights.bytes(of: model.documentFrequency!.idf)
        let w = AlignedBytes(weights.dropLast())
        XCTAssertThrowsError(try QuantizedWeights(bytes: w.buffer, owner: w))
    }
}
