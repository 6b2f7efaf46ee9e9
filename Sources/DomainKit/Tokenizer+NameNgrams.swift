extension Tokenizer {
    /// Character n-grams of the whole name in `<`…`>`, dots included: the n-grams that span a dot
    /// (`le.co`) or reach into the suffix (`.com>`) say things the labels' own n-grams cannot, and a name
    /// unseen in training (every test name: the split is by registrable name) is known by these parts.
    /// Hashed with the label n-grams' seed, so an n-gram inside a label is one feature either way.
    @inline(__always)
    static func nameNgramHashes(_ name: UnsafeBufferPointer<UInt8>, _ lengths: NgramLengths, into out: inout [UInt64]) {
        let minn = Swift.max(1, lengths.min), maxn = lengths.max
        let count = name.count + 2
        for start in 0..<count {
            var h = seed(.ngram)
            var length = 0
            while length < maxn, start + length < count {
                let p = start + length
                let byte = p == 0 ? UInt8(ascii: "<") : (p == count - 1 ? UInt8(ascii: ">") : name[p - 1])
                h = FNV1a64.step(h, byte)
                length += 1
                if length >= minn { out.append(mixHash(h)) }
            }
        }
    }
}
