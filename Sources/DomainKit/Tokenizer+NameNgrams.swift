extension Tokenizer {
    /// Character n-grams of `text` in `<`…`>`, hashed incrementally (one pass per start position) — of a
    /// label, or of the whole name, dots included: the n-grams that span a dot (`le.co`) or reach into the
    /// suffix (`.com>`) say things the labels' own n-grams cannot, and a name unseen in training (every test
    /// name: the split is by registrable name) is known by these parts. One seed for both, so an n-gram
    /// inside a label is one feature either way.
    @inline(__always)
    static func bracketedNgramHashes(_ text: UnsafeBufferPointer<UInt8>, _ lengths: NgramLengths, into out: inout [UInt64]) {
        let minn = Swift.max(1, lengths.min), maxn = lengths.max
        let count = text.count + 2
        for start in 0..<count {
            var h = seed(.ngram)
            var length = 0
            while length < maxn, start + length < count {
                let p = start + length
                let byte = p == 0 ? UInt8(ascii: "<") : (p == count - 1 ? UInt8(ascii: ">") : text[p - 1])
                h = FNV1a64.step(h, byte)
                length += 1
                if length >= minn { out.append(mixHash(h)) }
            }
        }
    }
}
