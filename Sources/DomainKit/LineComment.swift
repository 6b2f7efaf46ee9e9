import Foundation

/// The one comment rule of every text domcat reads names from (name lists, corpora, the line protocol):
/// a `#` at the start of a line or after a space or TAB starts a comment that runs to the end of the line.
/// A `#` inside a name (`example.com#foo`) starts none: it is no name character, so the name is an error,
/// except in a URL, where it starts the fragment.
package enum LineComment {
    /// Where the comment starts in `line`, nil when there is none.
    package static func start(in line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = line.baseAddress else { return nil }
        var from = 0
        while from < line.count, let hit = memchr(base + from, Int32(UInt8(ascii: "#")), line.count - from) {
            let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if index == 0 || line[index - 1] == 0x20 || line[index - 1] == 0x09 { return index }
            from = index + 1
        }
        return nil
    }
}
