import FastTextKit
import Foundation

extension TrainJob {
    /// libfasttext reads its corpus from a file: `text` goes to a temporary one, `model` is trained on it
    /// with `linear`'s dimension, n-gram lengths, threads and seed (`configure` sets the rest), and the
    /// file is removed again.
    func trainFastText(_ model: FastTextTrainArgs.Model, on text: [UInt8], configure: (inout FastTextTrainArgs) -> Void = { _ in })
        throws -> FastTextModel {
        let directory = NSTemporaryDirectory() + "domcat-fasttext-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/tokens.txt"
        guard FileManager.default.createFile(atPath: input, contents: Data(text)) else { throw TrainError("cannot write the token file \(input)") }
        var args = FastTextTrainArgs(model: model, input: input)
        args.dim = linear.dimension
        args.minn = linear.tokenizer.minn
        args.maxn = linear.tokenizer.maxn
        args.thread = linear.threads
        args.seed = Int(truncatingIfNeeded: linear.seed)
        configure(&args)
        do { return try FastTextModel.train(args) } catch { throw TrainError("fastText \(model) training failed: \(error)") }
    }
}
