import DomainKit
import Lines

/// What one line of a corpus file holds.
package enum CorpusLine {
    case example(Domain, label: String)
    /// A line skipped, with its 1-based number and why; counted and reported, never silent.
    case problem(line: Int, reason: String)
}

/// The one reading of `name<TAB>label` files (plain or .zst) that every corpus reader shares: blank lines,
/// comments (`LineComment`) and a header row (`domain<TAB>label`, see `ColumnNames`) are passed over; a line
/// without a usable name or label is a problem; a label that cannot be one (`CorpusLabel`) is an error that
/// names the file and line, since it is the file that is wrong, not one line of it.
package enum CorpusReader {
    package enum Labels: Sendable {
        case required
        /// Names only (`tokens --unlabelled`, unlabelled embedding corpora): a TAB and what follows are optional.
        case ignored
    }

    /// Calls `body` for each example or problem of `path`; stop early by returning false.
    package static func read(path: String, labels: Labels = .required, _ body: (CorpusLine) throws -> Bool) throws {
        let reader = try LineReader.open(path: path)
        var seenContent = false
        try reader.forEachLine { line, overlong in
            let number = reader.currentLine
            if overlong { return try body(.problem(line: number, reason: "line too long")) }
            let end = LineComment.start(in: line) ?? line.count
            let content = UnsafeBufferPointer(rebasing: line[..<end])
            guard content.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return true }
            defer { seenContent = true }
            let tab = content.firstIndex(of: 0x09)
            let nameField = UnsafeBufferPointer(rebasing: content[..<(tab ?? end)])
            let labelField = UnsafeBufferPointer(rebasing: content[(tab.map { $0 + 1 } ?? end)...])
            if !seenContent, isHeader(nameField, trimmed(labelField)) { return true }
            var label = ""
            if labels == .required {
                guard tab != nil else { return try body(.problem(line: number, reason: "no TAB between domain and label")) }
                let field = trimmed(labelField)
                guard !field.isEmpty else { return try body(.problem(line: number, reason: "missing label")) }
                guard let text = String(validating: field, as: UTF8.self) else { throw CorpusError("\(path):\(number): the label is not valid UTF-8") }
                if let problem = CorpusLabel.problem(text) { throw CorpusError("\(path):\(number): label \(CorpusLabel.quoted(text)) \(problem)") }
                label = text
            }
            switch DomainParser.parse(nameField) {
            case let .domain(domain): return try body(.example(domain, label: label))
            case .ipAddress: return try body(.problem(line: number, reason: "an IP address, not a domain"))
            case .root: return try body(.problem(line: number, reason: "the root, not a domain"))
            case let .invalid(reason): return try body(.problem(line: number, reason: reason.description))
            }
        }
    }

    /// `domain<TAB>label` (any of the header words) as the first line with content.
    private static func isHeader(_ name: UnsafeBufferPointer<UInt8>, _ label: UnsafeBufferPointer<UInt8>) -> Bool {
        ColumnNames.isOne(of: ColumnNames.name, trimmed(name)) && (label.isEmpty || ColumnNames.isOne(of: ColumnNames.label, label))
    }

    private static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = field.count
        while lo < hi, field[lo] == 0x20 || field[lo] == 0x09 { lo += 1 }
        while hi > lo, field[hi - 1] == 0x20 || field[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: field[lo..<hi])
    }
}

/// What a class label may be: fastText's `__label__` lines, `domcat tokens` and the TSV output all end a
/// label at whitespace, so a label with a space would become two words, or a broken column.
package enum CorpusLabel {
    /// Why `label` cannot be a label (to follow "label 'x' "), nil when it can.
    package static func problem(_ label: String) -> String? {
        if label.isEmpty { return "is empty" }
        if label.unicodeScalars.contains(where: \.properties.isWhitespace) { return "contains whitespace" }
        if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "contains a control character" }
        return nil
    }

    /// The label in quotes with control characters escaped, for a message.
    package static func quoted(_ label: String) -> String {
        "'" + label.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined() + "'"
    }
}

package struct CorpusError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }

    package static func noExamples(in paths: [String], skipped: Int) -> CorpusError {
        CorpusError("no usable examples in \(paths.joined(separator: ", "))" + (skipped > 0 ? " (\(skipped) bad lines skipped)" : ""))
    }
}
