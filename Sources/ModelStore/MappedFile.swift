import Foundation
import Learners

/// A whole file mapped read-only and private: the pages are the page cache's, shared by every process
/// that maps the same file, and a file renamed over this one later leaves this mapping on the old file.
/// (A file truncated in place under a mapping would fault: domcat writes models by rename, never in place.)
package final class MappedFile: @unchecked Sendable {
    package let bytes: UnsafeRawBufferPointer
    /// Bytes in memory standing in for a mapping (a file decoded from memory); nil for a real mapping.
    private let copy: AlignedBytes?

    init(copying copy: AlignedBytes) {
        bytes = copy.buffer
        self.copy = copy
    }

    /// Maps `path`; nil for an empty file (nothing to map). Errors are `ModelFileError.unreadable`.
    package init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ModelFileError.unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ModelFileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ModelFileError.unreadable(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw ModelFileError.notAModel(path: path) }
        let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let base, base != MAP_FAILED else { throw ModelFileError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
        copy = nil
    }

    deinit { if copy == nil { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) } }
}
