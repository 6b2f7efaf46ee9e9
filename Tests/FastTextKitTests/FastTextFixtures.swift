import Foundation
import XCTest

/// Synthetic corpora, a scratch directory and the `fasttext` CLI as a peer.
enum FastTextFixtures {
    static let classes = ["ads", "social", "news", "shopping"]
    private static let vocabulary: [String: [String]] = [
        "ads": ["doubleclick", "adserver", "tracker", "pixel", "banner", "adsystem", "analytics", "metrics"],
        "social": ["facebook", "twitter", "instagram", "chat", "friends", "share", "profile", "follow"],
        "news": ["times", "herald", "daily", "press", "headline", "report", "journal", "gazette"],
        "shopping": ["store", "cart", "checkout", "deals", "shop", "market", "buy", "coupon"],
    ]
    private static let noise = ["www", "com", "net", "cdn", "api", "static", "img", "org", "io", "eu"]

    /// A deterministic generator, so every run sees the same corpus.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    /// `count` lines `__label__CLASS word word …`.
    static func labelledLines(count: Int, seed: UInt64 = 7) -> [String] {
        var random = Random(state: seed)
        return (0..<count).map { _ in
            let label = random.pick(classes)
            let words = (0..<(3 + Int(random.next() % 5))).map { _ in
                random.next() % 4 == 0 ? random.pick(noise) : random.pick(vocabulary[label]!)
            }
            return "__label__\(label) " + words.joined(separator: " ")
        }
    }

    /// Lines to predict: unlabelled training text, unseen words, odd whitespace, empty.
    static func queryLines(count: Int, seed: UInt64 = 11) -> [String] {
        var random = Random(state: seed)
        let all = vocabulary.values.flatMap { $0 } + noise
        var lines = labelledLines(count: count / 2, seed: seed).map { line in
            line.split(separator: " ").dropFirst().joined(separator: " ")
        }
        while lines.count < count {
            lines.append((0..<(1 + Int(random.next() % 6))).map { _ in
                random.next() % 3 == 0 ? "zz\(random.next() % 1000)q" : random.pick(all)
            }.joined(separator: " "))
        }
        lines += ["", "   ", "  tracker\t\tpixel  ", "café résumé", "unseenword", "__label__news times", "a"]
        return lines
    }

    static func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("FastTextKitTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ lines: [String], to url: URL) throws {
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    /// The `fasttext` executable, or a skip when it is not installed.
    static func cli() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/fasttext"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("the fasttext CLI is not installed (apt-get install fasttext)")
    }

    /// Runs the CLI, feeding `input` on stdin, and returns stdout.
    @discardableResult
    static func runCLI(_ arguments: [String], input: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try cli())
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Write on another thread so a large stdout cannot deadlock against stdin.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "fasttext CLI", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "fasttext \(arguments) exited \(process.terminationStatus)"])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Rows of whitespace-separated floats after a leading word (or none).
    static func parseVectors(_ output: String, skipFirstWord: Bool) -> [[Float]] {
        output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let fields = line.split(separator: " ")
            return (skipFirstWord ? fields.dropFirst() : fields[...]).map { Float($0)! }
        }
    }
}
