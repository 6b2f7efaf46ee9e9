/// Training or validation rows for the trees: dense features, row-major, and a class per row.
package struct GBDTDataset {
    let features: [Float]
    let rows: Int
    let columns: Int
    let labels: [Int32]

    package init(features: [Float], rows: Int, columns: Int, labels: [Int32]) {
        precondition(rows >= 0 && columns > 0 && features.count == rows * columns, "GBDTDataset: features must hold rows × columns values")
        precondition(labels.count == rows, "GBDTDataset: one label per row")
        self.features = features
        self.rows = rows
        self.columns = columns
        self.labels = labels
    }
}
