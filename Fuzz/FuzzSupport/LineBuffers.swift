import Foundation

/// An input cut at `\n` into lines (without the `\n`, a `\r` kept, as `LineBatch` hands them on), each in a
/// heap block of exactly its size: AddressSanitizer then catches a parser reading past the end of its line,
/// which in one shared buffer would read the next line unnoticed. `appending` goes at the end of every line.
package final class LineBuffers {
    package let lines: [UnsafeBufferPointer<UInt8>]

    package init(_ input: UnsafeBufferPointer<UInt8>, maxLines: Int = .max, appending suffix: [UInt8] = []) {
        var lines: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        while lines.count < maxLines, start < input.count || lines.isEmpty {
            let newline = input.baseAddress.flatMap { memchr($0 + start, 0x0A, input.count - start) }
            let end = newline.map { input.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? input.count
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: end - start + suffix.count)
            _ = copy.initialize(from: input[start..<end] + suffix)
            lines.append(UnsafeBufferPointer(copy))
            start = end + 1
        }
        self.lines = lines
    }

    deinit {
        for line in lines { line.deallocate() }
    }
}
