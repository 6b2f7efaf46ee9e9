/// Header words: how a CSV/TSV log or a training corpus tells its header row from data.
package enum ColumnNames {
    /// A column of names.
    package static let name: [[UInt8]] = ["domain", "name", "query", "qname", "host", "hostname", "fqdn"].map { Array($0.utf8) }
    /// A corpus's column of class labels.
    package static let label: [[UInt8]] = ["label", "labels", "class", "category", "categories", "tag"].map { Array($0.utf8) }

    /// Whether `field` is one of `words`, ASCII case-insensitively.
    package static func isOne(of words: [[UInt8]], _ field: UnsafeBufferPointer<UInt8>) -> Bool {
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
        return words.contains { $0.count == field.count && zip($0, field).allSatisfy { lower($0) == lower($1) } }
    }
}
