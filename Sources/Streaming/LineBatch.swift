/// Lines copied out of the input into one contiguous buffer: the unit of work handed between threads.
public struct LineBatch: Sendable {
    public var bytes: [UInt8] = []
    /// Start offset of each line in `bytes`; line i ends at `ends[i]` (newline and CR excluded).
    public var starts: [Int] = []
    public var ends: [Int] = []
    /// Lines cut at `LineReader.maxLineLength`; they still get their one output line, as an error.
    public var overlong: Set<Int> = []
    /// Sequence number of the batch, so a writer can restore input order.
    public var sequence = 0

    public init() {}
    public var count: Int { starts.count }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        overlong.removeAll()
    }

    public mutating func append(_ line: UnsafeBufferPointer<UInt8>, overlong isOverlong: Bool = false) {
        if isOverlong { overlong.insert(starts.count) }
        starts.append(bytes.count)
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    @inline(__always)
    public func withLine<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[i]..<ends[i]])) }
    }
}
