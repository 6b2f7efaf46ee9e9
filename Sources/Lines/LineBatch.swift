/// Lines copied out of the input into one contiguous buffer: the unit of work handed between threads
/// (a batch of an input file, the request lines of one connection read, one HTTP body).
package struct LineBatch: Sendable {
    package var bytes: [UInt8] = []
    /// Start offset of each line in `bytes`; line i ends at `ends[i]` (newline and CR excluded).
    package var starts: [Int] = []
    package var ends: [Int] = []
    /// Lines cut at `LineReader.maxLineLength`; they still get their one output line, as an error.
    package var overlong: Set<Int> = []
    /// Sequence number of the batch, so a writer can restore input order.
    package var sequence = 0

    package init() {}

    package init(_ lines: some Sequence<String>) {
        for line in lines { var s = line; s.withUTF8 { append($0) } }
    }

    package var count: Int { starts.count }
    package var isEmpty: Bool { starts.isEmpty }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        overlong.removeAll()
    }

    package mutating func append(_ line: UnsafeBufferPointer<UInt8>, overlong isOverlong: Bool = false) {
        if isOverlong { overlong.insert(starts.count) }
        starts.append(bytes.count)
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    /// Drops the first `n` lines (answered already), keeping the rest back to back.
    package mutating func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        guard n < count else { removeAll(); return }
        let cut = starts[n]
        bytes.removeFirst(cut)
        starts.removeFirst(n)
        ends.removeFirst(n)
        for i in starts.indices { starts[i] -= cut; ends[i] -= cut }
        overlong = Set(overlong.compactMap { $0 >= n ? $0 - n : nil })
    }

    @inline(__always)
    package func withLine<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[i]..<ends[i]])) }
    }
}
