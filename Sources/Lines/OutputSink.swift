import Foundation

package enum OutputError: Error, CustomStringConvertible {
    /// The reader went away (`| head`): stop quietly, not an error for the user.
    case closed
    case failed(String)
    package var description: String {
        switch self {
        case .closed: "output closed"
        case let .failed(reason): reason
        }
    }
}

/// Writes whole buffers to a file descriptor, retrying short writes; one syscall per batch.
package final class OutputSink: @unchecked Sendable {
    let fd: Int32
    let name: String
    private let ownsDescriptor: Bool

    package init(fd: Int32 = 1, name: String = "stdout", ownsDescriptor: Bool = false) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
        // EPIPE must come back as an error code, not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { if ownsDescriptor { close(fd) } }

    package func write(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    if errno == EPIPE { throw OutputError.closed }
                    throw OutputError.failed("cannot write \(name): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }
}
