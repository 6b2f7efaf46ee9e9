import Foundation

package enum PublicSuffixListError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty(path: String)

    package var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read public suffix list \(path): \(reason)"
        case let .empty(path): return "public suffix list \(path) holds no rules"
        }
    }
}

/// The Public Suffix List (https://publicsuffix.org/list/): which trailing labels of a name
/// are a public suffix, so the registrable name (eTLD+1) can be cut off.
///
/// Normal, wildcard (`*.ck`) and exception (`!www.ck`) rules from both the ICANN and the
/// PRIVATE sections are used; Unicode rules are stored in their ASCII ("xn--") form since
/// the names looked up are already ASCII. A name no rule covers falls back to the implicit
/// `*` rule: its last label is the suffix. Immutable after `init`, so it is shared freely.
package final class PublicSuffixList: @unchecked Sendable {
    package static let debianPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// Loaded once from `debianPath`; nil if that file is missing or unreadable.
    package static let shared: PublicSuffixList? = try? PublicSuffixList()

    private let table: SuffixRuleTable
    /// Rules kept after conversion to ASCII.
    let ruleCount: Int

    package init(path: String = PublicSuffixList.debianPath) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PublicSuffixListError.unreadable(path: path, reason: error.localizedDescription)
        }
        let builder = Self.parse(String(decoding: data, as: UTF8.self))
        guard builder.ruleCount > 0 else { throw PublicSuffixListError.empty(path: path) }
        table = SuffixRuleTable(builder)
        ruleCount = builder.ruleCount
    }

    /// Rules in the PSL file format; lines that are no valid rule are skipped.
    package init(text: String) {
        let builder = Self.parse(text)
        table = SuffixRuleTable(builder)
        ruleCount = builder.ruleCount
    }

    /// Number of trailing labels that form the public suffix of a lower-case ASCII name
    /// (no trailing dot). At least 1. Allocates nothing: one hash step per byte, one probe per label.
    package func suffixLabelCount(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        var hash = SuffixRuleTable.seed
        var labels = 0
        var longestMatch = 1
        var parentIsWildcard = false
        var index = name.count - 1
        while index >= 0 {
            while index >= 0 && name[index] != SuffixRuleTable.dot {
                hash = SuffixRuleTable.extend(hash, name[index])
                index -= 1
            }
            labels += 1
            let kinds = table.kinds(of: hash)
            if kinds & SuffixRuleTable.Kind.exception != 0 { return max(labels - 1, 1) }
            if kinds & SuffixRuleTable.Kind.normal != 0 || parentIsWildcard { longestMatch = labels }
            if kinds == 0 { break }
            parentIsWildcard = kinds & SuffixRuleTable.Kind.wildcard != 0
            hash = SuffixRuleTable.extend(hash, SuffixRuleTable.dot)
            index -= 1
        }
        return longestMatch
    }

    /// Whether the last label of a lower-case ASCII name is named by some rule (every real TLD is); a name
    /// whose TLD is not gets a public suffix only from the implicit `*` rule.
    package func isListedTopLevel(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        var hash = SuffixRuleTable.seed
        var index = name.count - 1
        while index >= 0, name[index] != SuffixRuleTable.dot {
            hash = SuffixRuleTable.extend(hash, name[index])
            index -= 1
        }
        return table.kinds(of: hash) != 0
    }

    /// Cuts a lower-case ASCII name (no trailing dot) into subdomain, registrable name and suffix.
    package func split(_ name: Substring) -> DomainParts {
        let cut = name.utf8.withContiguousStorageIfAvailable { cutOffsets($0) }
            ?? Array(name.utf8).withUnsafeBufferPointer { cutOffsets($0) }
        let utf8 = name.utf8
        let suffix = name[utf8.index(name.startIndex, offsetBy: cut.suffixStart)...]
        guard let registrableOffset = cut.registrableStart else {
            return DomainParts(subdomain: nil, registrable: nil, suffix: suffix)
        }
        guard registrableOffset > 0 else {
            return DomainParts(subdomain: nil, registrable: name, suffix: suffix)
        }
        let registrableStart = utf8.index(name.startIndex, offsetBy: registrableOffset)
        return DomainParts(subdomain: name[..<utf8.index(before: registrableStart)],
                           registrable: name[registrableStart...], suffix: suffix)
    }

    /// The registrable name (eTLD+1) of a lower-case ASCII name, nil when it is a public suffix.
    package func registrableDomain(_ name: String) -> String? {
        split(name[...]).registrable.map(String.init)
    }

    /// Byte offsets where the suffix and the registrable name start (nil: no registrable name).
    private func cutOffsets(_ name: UnsafeBufferPointer<UInt8>) -> (suffixStart: Int, registrableStart: Int?) {
        let suffixLabels = suffixLabelCount(name)
        var dots = 0
        var suffixStart = 0
        var index = name.count - 1
        while index >= 0 {
            if name[index] == SuffixRuleTable.dot {
                dots += 1
                if dots == suffixLabels {
                    suffixStart = index + 1
                } else if dots == suffixLabels + 1 {
                    return (suffixStart, index + 1)
                }
            }
            index -= 1
        }
        return (suffixStart, dots >= suffixLabels ? 0 : nil)
    }

    /// Reads the file format on bytes: a rule is a line's text up to the first whitespace;
    /// `//` lines are comments; `*` (the implicit default) adds nothing.
    private static func parse(_ text: String) -> SuffixRuleTable.Builder {
        var builder = SuffixRuleTable.Builder()
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                addRule(from: UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), to: &builder)
                lineStart = lineEnd + 1
            }
        }
        return builder
    }

    private static func addRule(from line: UnsafeBufferPointer<UInt8>, to builder: inout SuffixRuleTable.Builder) {
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard var start = line.firstIndex(where: { !isWhitespace($0) }) else { return }
        let end = line[start...].firstIndex(where: isWhitespace) ?? line.count
        let rule = line[start..<end]
        guard !rule.starts(with: "//".utf8), !rule.elementsEqual("*".utf8) else { return }
        var kind = SuffixRuleTable.Kind.normal
        if line[start] == UInt8(ascii: "!") {
            kind = SuffixRuleTable.Kind.exception
            start += 1
        } else if rule.starts(with: "*.".utf8) {
            kind = SuffixRuleTable.Kind.wildcard
            start += 2
        }
        guard start < end, let ascii = IDNA.toASCII(String(decoding: line[start..<end], as: UTF8.self)) else { return }
        builder.add(ascii, kind: kind)
    }
}
