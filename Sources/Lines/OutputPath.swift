import Foundation

/// The one check before any command writes a file: a path that exists must be a regular file (a model is
/// written beside it and renamed over it, which would replace a device such as /dev/full with a file), and
/// must not be one of the command's inputs (same device and inode, so a symlink or another spelling counts).
package enum OutputPath {
    /// Throws `OutputError.failed` with the reason; "-" (stdout) passes.
    package static func check(_ path: String, inputs: [String]) throws {
        guard path != "-" else { return }
        var target = stat()
        guard stat(path, &target) == 0 else {
            // A missing folder fails now, not after a long training run.
            let folder = (path as NSString).deletingLastPathComponent
            var parent = stat()
            if folder.isEmpty { return }
            guard stat(folder, &parent) == 0 else { throw OutputError.failed("cannot write \(path): no folder \(folder)") }
            guard (parent.st_mode & S_IFMT) == S_IFDIR else { throw OutputError.failed("cannot write \(path): \(folder) is not a folder") }
            return
        }
        guard (target.st_mode & S_IFMT) == S_IFREG else {
            throw OutputError.failed("refusing to write \(path): it exists and is \(kind(target.st_mode)), not a regular file")
        }
        for input in inputs where input != "-" {
            var source = stat()
            if stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
                throw OutputError.failed("refusing to write \(path): it is the input \(input)")
            }
        }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a plain file"
        }
    }
}

extension OutputSink {
    /// `path` created (or truncated) for writing once `OutputPath.check` allows it; "-" is stdout.
    package static func create(_ path: String, inputs: [String]) throws -> OutputSink {
        guard path != "-" else { return OutputSink() }
        try OutputPath.check(path, inputs: inputs)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.failed("cannot write \(path): \(String(cString: strerror(errno)))") }
        return OutputSink(fd: fd, name: path, ownsDescriptor: true)
    }
}
