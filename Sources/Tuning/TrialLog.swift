import Foundation
import Lines
import Training

/// The JSONL trial log: a first line `{"search": …}`, then one `{"trial": …}` object per trial as each
/// ends, written through at once so a killed search keeps every trial it finished. `--resume` reads it.
package final class TrialLog {
    private let handle: FileHandle
    private let encoder = JSONEncoder()
    package let path: String

    /// Starts a new log (`resume` false: the file must not exist — an earlier search is never overwritten)
    /// or appends to the one a resumed search read.
    package init(path: String, identity: SearchIdentity, resume: Bool, inputs: [String]) throws {
        self.path = path
        encoder.outputFormatting = [.sortedKeys]
        let exists = FileManager.default.fileExists(atPath: path)
        if exists && !resume { throw TrainUsageError("\(path) exists: --resume to continue that search, or --trials for another log") }
        try OutputPath.check(path, inputs: inputs)
        if !exists { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw OutputError.failed("cannot write \(path): \(String(cString: strerror(errno)))") }
        self.handle = handle
        try handle.seekToEnd()
        if !exists { try write(["search": identity]) }
    }

    package func append(_ record: TrialRecord) throws {
        var record = record
        record.resumed = nil
        try write(["trial": record])
    }

    private func write<T: Encodable>(_ line: [String: T]) throws {
        var data = try encoder.encode(line)
        data.append(0x0A)
        try handle.write(contentsOf: data)
    }

    /// The trials of an earlier run, by number (a later line of one number wins). A line that is not a trial
    /// (one cut short by a kill) is passed over and counted. A log of another search is an error.
    package static func read(path: String, expecting identity: SearchIdentity) throws -> (trials: [Int: TrialRecord], unreadable: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { return ([:], 0) }
        let decoder = JSONDecoder()
        var trials: [Int: TrialRecord] = [:], unreadable = 0
        for (index, line) in data.split(separator: 0x0A).enumerated() {
            if index == 0 {
                guard let first = try? decoder.decode([String: SearchIdentity].self, from: line), let found = first["search"] else {
                    throw TrialLogError("\(path) is not a domcat tune trial log (its first line is not {\"search\": …})")
                }
                guard found == identity else {
                    throw TrialLogError("\(path) is the log of another search (\(found.kind), \(found.metric), seed \(found.seed), corpora \(found.train) / \(found.valid)): resume it with the same files and options, or give another --trials")
                }
                continue
            }
            guard let record = (try? decoder.decode([String: TrialRecord].self, from: line))?["trial"] else { unreadable += 1; continue }
            trials[record.trial] = record
        }
        return (trials, unreadable)
    }
}

package struct TrialLogError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
