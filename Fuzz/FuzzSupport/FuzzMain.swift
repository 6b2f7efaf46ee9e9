#if FUZZING
import CFuzzer
#endif
import Foundation

/// Every fuzz target's `main`. Built with `-DFUZZING` and `-sanitize=fuzzer,address` it hands the target's
/// one-input function to libFuzzer's driver (which then reads libFuzzer's flags and corpus directories).
/// In an ordinary build it is a replay driver: it runs the function once over every file named on the
/// command line (a directory: each file in it, in name order), so the seed and crash corpora replay as
/// regression tests (`make fuzz-replay`).
package enum FuzzMain {
    package static func run(_ target: String, _ testOneInput: @escaping (UnsafeBufferPointer<UInt8>) -> Void) -> Never {
        #if FUZZING
        current = testOneInput
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzMain.current!(UnsafeBufferPointer(start: data, count: size))
            return 0
        })
        #else
        replay(target, testOneInput)
        exit(0)
        #endif
    }

    /// The function libFuzzer's C callback calls: one target per process, set once before the driver starts.
    nonisolated(unsafe) private static var current: ((UnsafeBufferPointer<UInt8>) -> Void)?

    private static func replay(_ target: String, _ testOneInput: (UnsafeBufferPointer<UInt8>) -> Void) {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else { fail("usage: \(target) FILE|DIR…  (replays each input; built with -DFUZZING it is a libFuzzer target)", code: 2) }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { fail("\(target): cannot read \(file)", code: 1) }
                [UInt8](data).withUnsafeBufferPointer(testOneInput)
                count += 1
            }
        }
        print("\(target): \(count) inputs replayed")
    }

    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)", code: 1) }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().flatMap { files(at: path + "/" + $0) }
    }

    /// `value`, or `message` on stderr and an exit: a target without what it needs cannot run at all.
    package static func need<T>(_ value: T?, _ message: @autoclosure () -> String, code: Int32 = 1) -> T {
        guard let value else { fail(message(), code: code) }
        return value
    }

    package static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(code)
    }
}
