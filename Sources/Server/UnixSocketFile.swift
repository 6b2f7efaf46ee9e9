import Foundation

/// The socket file of `--unix PATH`. Only a socket is ever removed: a stale one (nothing answers on it)
/// before binding, and on exit the one this server made (same device, inode and modification time: a freed
/// inode number is soon given to a new file), not whatever has taken the path since. Anything else at
/// PATH is an error and stays as it is.
struct UnixSocketFile {
    let path: String
    /// Bound, not yet listening: for NIO's `withBoundSocket`, which (unlike its `bind(unixDomainSocketPath:)`)
    /// leaves the file alone when the listener closes.
    let descriptor: Int32
    private let identity: [Int]

    /// Throws `ServeError.cannotListen` when PATH is taken (a live socket, a directory, any other file).
    init(binding path: String) throws {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { throw Self.refusal(path, "path too long") }
        try Self.claim(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard Self.withAddress(path, { bind(fd, $0, $1) }) == 0, let info = Self.status(path) else {
            let code = errno
            close(fd)
            throw Self.refusal(path, code == EADDRINUSE ? ServeError.addressInUse : String(cString: strerror(code)))
        }
        self.path = path
        descriptor = fd
        identity = Self.identity(info)
    }

    /// Removes the socket when it is still the one this server made.
    func remove() {
        guard let info = Self.status(path), Self.identity(info) == identity else { return }
        unlink(path)
    }

    /// Makes PATH free to bind: nothing there, or a stale socket (removed).
    private static func claim(_ path: String) throws {
        guard let info = status(path) else {
            if errno == ENOENT { return }
            throw refusal(path, String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFSOCK: break
        case S_IFDIR: throw refusal(path, "is a directory")
        default: throw refusal(path, "exists and is not a socket (left as it is)")
        }
        if try answers(path) { throw refusal(path, ServeError.addressInUse) }
        unlink(path)
    }

    /// Whether something accepts connections on the socket: only a refused connect makes it stale.
    private static func answers(_ path: String) throws -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        // A listener with a full backlog makes connect wait; it is there all the same.
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if withAddress(path, { connect(fd, $0, $1) }) == 0 { return true }
        switch errno {
        case ECONNREFUSED: return false
        case EAGAIN, EINPROGRESS: return true
        case let code: throw refusal(path, String(cString: strerror(code)))
        }
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    private static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    /// Socket I/O does not touch the file's modification time: it stays the time of the bind.
    private static func identity(_ info: stat) -> [Int] {
        [Int(info.st_dev), Int(info.st_ino), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }

    private static func refusal(_ path: String, _ reason: String) -> ServeError { .cannotListen(address: path, reason: reason) }
}
