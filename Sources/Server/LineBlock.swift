/// Request lines stored back to back in one byte array: one allocation per batch, not one per line.
struct LineBlock {
    private(set) var bytes: [UInt8] = []
    private var ends: [Int] = []

    init() {}

    init(_ lines: [String]) {
        for line in lines { var s = line; s.withUTF8 { append(UnsafeRawBufferPointer($0)) } }
    }

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }

    mutating func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    /// Drops the first `n` lines (answered already), keeping the rest back to back.
    mutating func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        guard n < count else { self = LineBlock(); return }
        let cut = ends[n - 1]
        bytes.removeFirst(cut)
        ends.removeFirst(n)
        for i in ends.indices { ends[i] -= cut }
    }

    func withLine<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let start = i == 0 ? 0 : ends[i - 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[i]])) }
    }
}
