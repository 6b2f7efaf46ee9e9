import Foundation

package struct InputError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// How far a reader has got, readable from another thread (a progress line).
package final class ReadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var read = 0
    func add(_ n: Int) { lock.lock(); read += n; lock.unlock() }
    package var bytes: Int { lock.lock(); defer { lock.unlock() }; return read }
}

/// Reads lines from a file descriptor in large chunks, decoding zstd when the input starts with its magic
/// (or when told to). Lines longer than `maxLineLength` are cut, flagged, and the rest of them skipped,
/// so one endless line cannot take all memory.
package final class LineReader {
    package static let maxLineLength = 16 << 20
    package enum Compression: Sendable { case auto, none, zstd }

    package let name: String
    /// Bytes read from the file so far (compressed bytes for a compressed file), for a progress display.
    package let progress = ReadProgress()
    /// -1 while a followed file does not exist yet.
    private var fd: Int32
    private let ownsDescriptor: Bool
    private var compression: Compression
    private var decoder: ZstdDecoder?
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    /// Decoded bytes not yet split into lines.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// Where the newline search resumes, so a long line is scanned once, not once per chunk.
    private var searchFrom = 0
    private var discardingOverlong = false
    private var finished = false
    /// Lines read so far (the last line of the latest batch).
    package private(set) var lineNumber = 0
    /// During `forEachLine`: the 1-based number of the line being handed to the body.
    package private(set) var currentLine = 0

    package init(fd: Int32, name: String, compression: Compression = .auto, ownsDescriptor: Bool = false) {
        self.fd = fd
        self.name = name
        self.compression = compression
        self.ownsDescriptor = ownsDescriptor
    }

    /// Set for `--follow`: at the end of the file wait for more, and move to the new file when the log is rotated.
    private var following = false
    private var followPath = ""
    package static let followPollInterval: useconds_t = 100_000
    /// The last bytes read from a followed file. A file truncated and written again (copytruncate) past our
    /// offset between two polls has the same inode and a larger size; only these bytes tell it apart.
    private var recent: [UInt8] = []
    private static let recentCount = 64

    /// Like `tail -F`: a file that does not exist yet is waited for.
    package static func follow(path: String) throws -> LineReader {
        var info = stat()
        let reader = stat(path, &info) != 0 && errno == ENOENT
            ? LineReader(fd: -1, name: path, compression: .none, ownsDescriptor: true)
            : try open(path: path, compression: .none)
        reader.following = true
        reader.followPath = path
        return reader
    }

    package static func open(path: String, compression: Compression = .auto) throws -> LineReader {
        if path == "-" { return LineReader(fd: 0, name: "stdin", compression: compression) }
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError("cannot read \(path): is a directory")
        }
        return LineReader(fd: fd, name: path, compression: compression, ownsDescriptor: true)
    }

    deinit { if ownsDescriptor, fd >= 0 { close(fd) } }

    /// Appends up to `maxLines` whole lines (or about `maxBytes`) to `batch`; false once the input is exhausted.
    /// A last line without a newline still counts as a line.
    package func nextBatch(into batch: inout LineBatch, maxLines: Int = 4096, maxBytes: Int = 1 << 20) throws -> Bool {
        while batch.count < maxLines, batch.bytes.count < maxBytes {
            if let newline = findNewline() {
                emit(pendingStart..<newline, into: &batch)
                pendingStart = newline + 1
                continue
            }
            searchFrom = pending.count
            if pending.count - pendingStart > Self.maxLineLength {
                // Flag the cut line now, then drop bytes until its newline.
                if !discardingOverlong { emit(pendingStart..<pendingStart + Self.maxLineLength, into: &batch, overlong: true) }
                discardingOverlong = true
                pending.removeAll(keepingCapacity: true)
                pendingStart = 0
                searchFrom = 0
            }
            if finished {
                if pendingStart < pending.count, !following { emit(pendingStart..<pending.count, into: &batch) }
                pending.removeAll()
                pendingStart = 0
                searchFrom = 0
                return batch.count > 0
            }
            // Lines in hand go out before a read that may block (a pipe from `tail -f`, a followed log).
            if batch.count > 0 { return true }
            try fill()
        }
        return true
    }

    private func findNewline() -> Int? {
        let from = max(pendingStart, searchFrom)
        guard from < pending.count else { return nil }
        return pending.withUnsafeBufferPointer { buffer -> Int? in
            guard let hit = memchr(buffer.baseAddress! + from, 0x0A, buffer.count - from) else { return nil }
            return buffer.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func emit(_ range: Range<Int>, into batch: inout LineBatch, overlong: Bool = false) {
        if discardingOverlong {
            discardingOverlong = false
            return
        }
        lineNumber += 1
        var end = range.upperBound
        if end > range.lowerBound, pending[end - 1] == 0x0D { end -= 1 }
        pending.withUnsafeBufferPointer { batch.append(UnsafeBufferPointer(rebasing: $0[range.lowerBound..<end]), overlong: overlong) }
    }

    /// Reads one chunk, decoding zstd if needed, and compacts consumed bytes.
    private func fill() throws {
        if pendingStart > 0 {
            pending.removeSubrange(0..<pendingStart)
            searchFrom = max(0, searchFrom - pendingStart)
            pendingStart = 0
        }
        if fd < 0 { return try waitForGrowthOrRotation() }
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { return }
            throw InputError("cannot read \(name): \(String(cString: strerror(errno)))")
        }
        if following, n > 0 { remember(chunk[0..<n]) }
        if n > 0 { progress.add(n) }
        if n == 0 {
            if following { return try waitForGrowthOrRotation() }
            if let decoder, !decoder.atFrameBoundary { throw InputError("\(name): zstd stream is truncated") }
            finished = true
            return
        }
        if compression == .auto {
            compression = chunk.starts(with: Zstd.magic) ? .zstd : .none
        }
        if compression == .zstd {
            if decoder == nil { decoder = ZstdDecoder() }
            do {
                try chunk.withUnsafeBytes { raw in
                    try decoder!.decode(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { pending.append(contentsOf: $0) }
                }
            } catch {
                throw InputError("\(name): \(error)")
            }
        } else {
            pending.append(contentsOf: chunk[0..<n])
        }
    }

    /// At the end of a followed file: a new file at the path (rename + create rotation, or the file
    /// appearing at last) is switched to at once, the old one being drained; otherwise, after a poll
    /// interval, a file truncated (copytruncate rotation) is read again from its start.
    private func waitForGrowthOrRotation() throws {
        if switchToNewFile() { return }
        usleep(Self.followPollInterval)
        if fd >= 0, try wasTruncated() { restart() }
    }

    private func switchToNewFile() -> Bool {
        var current = stat(), atPath = stat()
        guard stat(followPath, &atPath) == 0 else { return false }
        if fd >= 0, fstat(fd, &current) == 0, atPath.st_ino == current.st_ino, atPath.st_dev == current.st_dev { return false }
        let next = Foundation.open(followPath, O_RDONLY)
        guard next >= 0 else { return false }
        if fd >= 0 {
            dup2(next, fd)
            close(next)
        } else {
            fd = next
        }
        restart()
        return true
    }

    /// Shorter than our offset, or other bytes just before it than we read there.
    private func wasTruncated() throws -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw InputError("cannot stat \(name): \(String(cString: strerror(errno)))") }
        let offset = lseek(fd, 0, SEEK_CUR)
        if offset > info.st_size { return true }
        guard !recent.isEmpty else { return false }
        var before = [UInt8](repeating: 0, count: recent.count)
        let n = before.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset - off_t(recent.count)) }
        return n != recent.count || before != recent
    }

    /// Reads the (new or truncated) file from its start; a line the old content left unfinished is
    /// complete as it is.
    private func restart() {
        if pendingStart < pending.count { pending.append(0x0A) }
        lseek(fd, 0, SEEK_SET)
        recent.removeAll(keepingCapacity: true)
    }

    private func remember(_ bytes: ArraySlice<UInt8>) {
        if bytes.count >= Self.recentCount {
            recent = Array(bytes.suffix(Self.recentCount))
        } else {
            recent.append(contentsOf: bytes)
            if recent.count > Self.recentCount { recent.removeFirst(recent.count - Self.recentCount) }
        }
    }

    /// Calls `body` for each line; stop early by returning false.
    package func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, _ overlong: Bool) throws -> Bool) throws {
        var batch = LineBatch()
        while true {
            batch.removeAll()
            let before = lineNumber
            guard try nextBatch(into: &batch) else { return }
            for i in 0..<batch.count {
                currentLine = before + i + 1
                let keepGoing = try batch.withLine(i) { try body($0, batch.overlong.contains(i)) }
                if !keepGoing { return }
            }
        }
    }
}
