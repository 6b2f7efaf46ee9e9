/// The Public Suffix List's rules keyed by a 64-bit hash of each rule's text, laid out for
/// allocation-free lookups while a name is walked from its last byte to its first.
///
/// The hash is FNV-1a 64 fed with the suffix's bytes *from right to left*: a name's suffix
/// hashes then extend one byte at a time as the walk moves left, so every candidate suffix
/// costs one multiply per byte and one probe per label. Every proper suffix of a rule is
/// stored too (as `interior`), which lets the walk stop as soon as no longer rule can match.
/// Distinct strings colliding in 64 bits is possible in theory (about 1 in 10^11 for the whole
/// list) and would only merge two rules' flags.
struct SuffixRuleTable {
    /// Rule kinds stored per suffix; several can apply to one suffix.
    enum Kind {
        /// A plain rule: the suffix itself is public.
        static let normal: UInt8 = 1
        /// A `*.suffix` rule: every direct child of the suffix is public.
        static let wildcard: UInt8 = 2
        /// A `!suffix` rule: the suffix is registrable although a wildcard covers it.
        static let exception: UInt8 = 4
        /// A proper suffix of some rule: longer suffixes may still match.
        static let interior: UInt8 = 8
    }

    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let dot = UInt8(ascii: ".")

    @inline(__always)
    static func extend(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// Flags per hash while the list is parsed; frozen into the probe arrays by `init(rules:)`.
    struct Builder {
        private(set) var flags: [UInt64: UInt8] = [:]
        private(set) var ruleCount = 0

        /// Adds a lower-case ASCII rule body (no `!`, no `*.`) with its kind.
        mutating func add(_ rule: String, kind: UInt8) {
            var hash = SuffixRuleTable.seed
            for byte in rule.utf8.reversed() {
                if byte == SuffixRuleTable.dot { flags[hash, default: 0] |= Kind.interior }
                hash = SuffixRuleTable.extend(hash, byte)
            }
            flags[hash, default: 0] |= kind
            ruleCount += 1
        }
    }

    private let keys: [UInt64]
    /// 0 marks an empty slot: every stored entry has at least one kind bit.
    private let kinds: [UInt8]
    private let shift: UInt64

    init(_ builder: Builder) {
        var bits: UInt64 = 4
        while (1 << bits) < builder.flags.count * 2 { bits += 1 }
        let capacity = 1 << Int(bits)
        var keys = [UInt64](repeating: 0, count: capacity)
        var kinds = [UInt8](repeating: 0, count: capacity)
        let shift = 64 - bits
        for (hash, kind) in builder.flags {
            var slot = Self.slot(hash, shift)
            while kinds[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            keys[slot] = hash
            kinds[slot] = kind
        }
        self.keys = keys
        self.kinds = kinds
        self.shift = shift
    }

    /// The kinds stored for a suffix hash, 0 when the suffix is no rule and no part of one.
    @inline(__always)
    func kinds(of hash: UInt64) -> UInt8 {
        let mask = keys.count - 1
        var slot = Self.slot(hash, shift)
        while true {
            let kind = kinds[slot]
            if kind == 0 || keys[slot] == hash { return kind }
            slot = (slot + 1) & mask
        }
    }

    /// Fibonacci hashing: FNV's low bits mix poorly, the multiply's high bits do not.
    @inline(__always)
    private static func slot(_ hash: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}
