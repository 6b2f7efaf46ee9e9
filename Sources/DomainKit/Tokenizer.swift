/// What a token is; part of its hash so `com` the suffix and `com` a label are different features.
package enum TokenKind: UInt8, Sendable, CaseIterable {
    case name = 1, registrable, suffix, label, subToken, ngram, bias
}

package struct TokenizerConfig: Codable, Sendable, Equatable {
    /// Character n-gram lengths over each word token, with `<`/`>` boundary marks (fastText style).
    /// 3…6 measured better than fastText's 2…5 on v2fly's validation split, with fewer features.
    package var minn = 3
    package var maxn = 6
    /// Tokenise `www.example.com` (or `www2.…`) as `example.com`: the same site, so the same answer. Optional
    /// so that models written before it existed load with it off.
    package var ignoresLeadingWWW: Bool?
    /// Whether labels get their `minn…maxn`-grams as features (`featureHashes`); nil (models before it) means yes.
    /// Word tokens keep them either way (`tokenHashes`: the gbdt pooling's token vectors).
    package var labelNgrams: Bool?
    /// Character n-grams of the whole name in `<`…`>`, across its dots and into the suffix (`e.co`, `com>`),
    /// as scikit-learn's `char_wb` reads a name; nil: none (models before it).
    package var nameNgrams: NgramLengths?
    package init(minn: Int = 3, maxn: Int = 6, ignoresLeadingWWW: Bool? = nil) {
        self.minn = minn; self.maxn = maxn; self.ignoresLeadingWWW = ignoresLeadingWWW
    }
}

/// An inclusive range of n-gram lengths.
package struct NgramLengths: Codable, Sendable, Equatable {
    package var min: Int
    package var max: Int
    package init(min: Int, max: Int) { self.min = min; self.max = max }
}

/// Splits a domain into the tokens every model kind learns from:
/// the whole name, the registrable name, the public suffix, each label left of the suffix,
/// the sub-tokens of a label at letter↔digit and hyphen/underscore boundaries, and character n-grams of labels.
package struct Tokenizer: Sendable {
    package let suffixes: PublicSuffixList
    package let config: TokenizerConfig

    package init(suffixes: PublicSuffixList, config: TokenizerConfig = TokenizerConfig()) {
        self.suffixes = suffixes
        self.config = config
    }

    /// The word tokens (no n-grams), in the order `forEachToken` visits them: for `--explain`
    /// and for exporting the same tokens to other tools.
    package func words(_ domain: Domain) -> [(kind: TokenKind, text: String)] {
        var out: [(TokenKind, String)] = []
        var name = domain.name
        name.withUTF8 { bytes in
            forEachToken(bytes) { kind, range in
                out.append((kind, String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)))
            }
        }
        return out
    }

    /// The word tokens as one space-separated line: what fastText (CLI or library) is given to read.
    package func wordLine(_ domain: Domain) -> String {
        words(domain).map(\.text).joined(separator: " ")
    }

    /// Appends one 64-bit hash per token and n-gram; allocation-free once `out` has grown.
    @inline(__always)
    package func featureHashes(_ domain: Domain, into out: inout [UInt64]) {
        var name = domain.name
        name.withUTF8 { featureHashes($0, into: &out) }
    }

    package func featureHashes(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt64]) {
        // A constant feature in every bag, always the first: a per-label bias, as fastText's end-of-line token
        // gives it (`LinearParams.separateBias` finds it by its place).
        out.append(Self.biasHash)
        let labelNgrams = config.labelNgrams ?? true
        var name = 0..<0
        forEachToken(bytes) { kind, range in
            let token = UnsafeBufferPointer(rebasing: bytes[range])
            if kind == .name { name = range }
            if labelNgrams { tokenHashes(kind, token, into: &out) } else { out.append(mixHash(FNV1a64.hash(token, seed: Self.seed(kind)))) }
        }
        if let lengths = config.nameNgrams { Self.bracketedNgramHashes(UnsafeBufferPointer(rebasing: bytes[name]), lengths, into: &out) }
    }

    package static let biasHash = mixHash(seed(.bias))

    /// One word token's own hash, then its character n-grams of "<token>" (none for the suffix,
    /// which is a closed set), hashed incrementally: one pass per start position.
    @inline(__always)
    package func tokenHashes(_ kind: TokenKind, _ token: UnsafeBufferPointer<UInt8>, into out: inout [UInt64]) {
        out.append(mixHash(FNV1a64.hash(token, seed: Self.seed(kind))))
        guard config.minn > 0, kind == .label else { return }
        Self.bracketedNgramHashes(token, NgramLengths(min: config.minn, max: config.maxn), into: &out)
    }

    @inline(__always)
    static func seed(_ kind: TokenKind) -> UInt64 {
        FNV1a64.step(FNV1a64.offsetBasis, kind.rawValue)
    }

    /// Visits every word token of a lower-case ASCII name as a byte range.
    @inline(__always)
    package func forEachToken(_ bytes: UnsafeBufferPointer<UInt8>, _ visit: (TokenKind, Range<Int>) -> Void) {
        guard bytes.count > 0 else { return }
        let suffixLabels = max(1, suffixes.suffixLabelCount(bytes))
        let skip = config.ignoresLeadingWWW == true ? Self.leadingWWW(bytes, suffixLabels: suffixLabels) : 0
        guard skip > 0 else { return forEachToken(bytes, suffixLabels: suffixLabels, visit) }
        forEachToken(UnsafeBufferPointer(rebasing: bytes[skip...]), suffixLabels: suffixLabels) { kind, range in
            visit(kind, range.lowerBound + skip..<range.upperBound + skip)
        }
    }

    /// The length of a leading `www.` (or `www` + digits + `.`) label, when it is a subdomain label (so
    /// `www.com` keeps it); 0 otherwise.
    @inline(__always)
    static func leadingWWW(_ bytes: UnsafeBufferPointer<UInt8>, suffixLabels: Int) -> Int {
        let w = UInt8(ascii: "w")
        guard bytes.count > 4, bytes[0] == w, bytes[1] == w, bytes[2] == w else { return 0 }
        var i = 3
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ".") else { return 0 }
        var labels = 1
        for b in bytes where b == UInt8(ascii: ".") { labels += 1 }
        return labels > suffixLabels + 1 ? i + 1 : 0
    }

    @inline(__always)
    private func forEachToken(_ bytes: UnsafeBufferPointer<UInt8>, suffixLabels: Int, _ visit: (TokenKind, Range<Int>) -> Void) {
        let n = bytes.count
        // Label boundaries from the right: where the suffix and the registrable name start.
        var suffixStart = n, registrableStart = 0, dots = 0
        var i = n - 1
        while i >= 0 {
            if bytes[i] == UInt8(ascii: ".") {
                dots += 1
                if dots == suffixLabels { suffixStart = i + 1 }
                if dots == suffixLabels + 1 { registrableStart = i + 1; break }
            }
            i -= 1
        }
        if dots < suffixLabels { suffixStart = 0 }
        visit(.name, 0..<n)
        if suffixStart > 0 { visit(.registrable, registrableStart..<n) }
        visit(.suffix, suffixStart..<n)
        // Labels left of the suffix, left to right.
        var labelStart = 0
        var p = 0
        while p < suffixStart {
            if p == suffixStart - 1 || bytes[p] == UInt8(ascii: ".") {
                let end = bytes[p] == UInt8(ascii: ".") ? p : p + 1
                if end > labelStart {
                    visit(.label, labelStart..<end)
                    visitSubTokens(bytes, labelStart..<end, visit)
                }
                labelStart = p + 1
            }
            p += 1
        }
    }

    /// Pieces of a label split at hyphens/underscores and letter↔digit changes; only when there are several.
    @inline(__always)
    func visitSubTokens(_ bytes: UnsafeBufferPointer<UInt8>, _ label: Range<Int>, _ visit: (TokenKind, Range<Int>) -> Void) {
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        @inline(__always) func isSeparator(_ b: UInt8) -> Bool { b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }
        var pieces = 0
        var start = label.lowerBound
        var emitted: Range<Int>? = nil
        func flush(_ end: Int) {
            guard end > start else { return }
            pieces += 1
            if pieces == 1 { emitted = start..<end; return }
            if pieces == 2, let first = emitted { visit(.subToken, first) }
            visit(.subToken, start..<end)
        }
        var q = label.lowerBound
        while q < label.upperBound {
            let b = bytes[q]
            if isSeparator(b) {
                flush(q)
                start = q + 1
            } else if q > start, isDigit(b) != isDigit(bytes[q - 1]) {
                flush(q)
                start = q
            }
            q += 1
        }
        flush(label.upperBound)
    }
}
