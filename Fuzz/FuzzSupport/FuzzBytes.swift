/// Reads the option bytes a structured target takes from the front of its input. Past the end every read
/// is 0, so any input is a valid one and the fuzzer can grow it freely.
package struct FuzzBytes {
    package let input: UnsafeBufferPointer<UInt8>
    package private(set) var offset = 0

    package init(_ input: UnsafeBufferPointer<UInt8>) { self.input = input }

    package mutating func byte() -> UInt8 {
        guard offset < input.count else { return 0 }
        defer { offset += 1 }
        return input[offset]
    }

    /// Everything not read yet.
    package var rest: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: input[min(offset, input.count)...])
    }
}
