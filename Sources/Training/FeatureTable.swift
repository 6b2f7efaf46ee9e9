import Foundation
import Lines

/// Feature rows as TSV (a header of column names, then the values and the label): what
/// `domcat features` prints and what LightGBM/scikit-learn read.
package enum FeatureTable {
    package static func encode(_ rows: [Float], width: Int, columns: [String], labels: [String], into sink: (inout [UInt8]) -> Void) {
        var out = Array((columns + ["label"]).joined(separator: "\t").utf8)
        out.append(0x0A)
        for (r, label) in labels.enumerated() {
            for c in 0..<width {
                out.append(contentsOf: "\(rows[r * width + c])".utf8)
                out.append(0x09)
            }
            out.append(contentsOf: label.utf8)
            out.append(0x0A)
            if out.count > 1 << 20 { sink(&out); out.removeAll(keepingCapacity: true) }
        }
        sink(&out)
    }

    package static func write(_ rows: [Float], width: Int, columns: [String], labels: [String], to path: String, inputs: [String]) throws {
        let sink = try OutputSink.create(path, inputs: inputs)
        var failure: Error?
        encode(rows, width: width, columns: columns, labels: labels) { bytes in
            if failure == nil { do { try sink.write(bytes) } catch { failure = error } }
        }
        if let failure { throw failure }
    }
}
