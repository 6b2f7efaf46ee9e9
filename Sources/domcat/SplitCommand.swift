import ArgumentParser
import Corpora
import Foundation
import Lines
import Streaming

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split a corpus into train/valid/test by registrable domain (FNV-1a 64 of the eTLD+1, % 10: 0 test, 1 valid, else train).")

    @Argument(help: "Corpus (domain<TAB>label, plain or .zst).") var corpus: String
    @Option(help: "Folder for train.tsv, valid.tsv, test.tsv.") var out: String
    @OptionGroup var suffixOptions: SuffixOptions

    func run() throws {
        let suffixes = try suffixOptions.load()
        let data: LabelledCorpus
        do { data = try LabelledCorpus.read(paths: [corpus]) } catch { fail("\(error)", code: ExitCodes.input) }
        for problem in data.problems { note("skipped \(problem)") }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch { fail("cannot create \(out): \(error.localizedDescription)", code: ExitCodes.output) }
        var buffers: [CorpusSplit.Part: [UInt8]] = [:]
        var counts: [CorpusSplit.Part: Int] = [:]
        for (domain, label) in zip(data.domains, data.labels) {
            let part = CorpusSplit.part(of: domain, suffixes: suffixes)
            buffers[part, default: []].append(contentsOf: "\(domain.name)\t\(label)\n".utf8)
            counts[part, default: 0] += 1
        }
        for part in CorpusSplit.Part.allCases {
            let path = (out as NSString).appendingPathComponent("\(part.rawValue).tsv")
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { fail("cannot write \(path): \(String(cString: strerror(errno)))", code: ExitCodes.output) }
            defer { close(fd) }
            do { try OutputSink(fd: fd, name: path).write(buffers[part] ?? []) } catch { fail("\(error)", code: ExitCodes.output) }
        }
        note("train \(counts[.train] ?? 0), valid \(counts[.valid] ?? 0), test \(counts[.test] ?? 0), skipped \(data.skipped) → \(out)")
    }
}
