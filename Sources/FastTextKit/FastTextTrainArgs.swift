import CFastText
import Foundation

/// What `FastTextModel.train` needs: the `fasttext` CLI's options by their CLI names.
///
/// `init(model:input:output:)` starts from the defaults the CLI uses for that
/// model (read from libfasttext itself), except `verbose` (0: silent) and
/// `thread` (this machine's core count instead of 12).
package struct FastTextTrainArgs: Sendable {
    package enum Model: Sendable, Equatable {
        case supervised, skipgram, cbow
    }

    package enum Loss: Sendable, Equatable {
        case softmax, ns, hs, ova
    }

    package var model: Model
    /// Training text: one example per line, labels as `label`-prefixed words.
    package var input: String
    /// Where `train` writes the `.bin` (the full file name, unlike the CLI's
    /// prefix); nil keeps the model in memory only.
    package var output: String?
    package var dim: Int
    package var epoch: Int
    package var lr: Double
    package var minn: Int
    package var maxn: Int
    package var wordNgrams: Int
    package var minCount: Int
    /// Hash buckets for word and char n-grams; forced to 0, like the CLI does,
    /// when `wordNgrams <= 1` and `maxn == 0`.
    package var bucket: Int
    package var loss: Loss
    package var thread: Int
    /// Context window (skipgram/cbow).
    package var ws: Int
    /// Negatives sampled per positive with the `ns` loss.
    package var neg: Int
    package var seed: Int
    package var verbose: Int = 0
    package var label: String = "__label__"

    package init(model: Model, input: String, output: String? = nil) {
        var defaults = cfasttext_train_args()
        cfasttext_train_args_init(&defaults, model.cValue)
        self.model = model
        self.input = input
        self.output = output
        dim = Int(defaults.dim)
        epoch = Int(defaults.epoch)
        lr = defaults.lr
        minn = Int(defaults.minn)
        maxn = Int(defaults.maxn)
        wordNgrams = Int(defaults.word_ngrams)
        minCount = Int(defaults.min_count)
        bucket = Int(defaults.bucket)
        loss = Loss(cValue: defaults.loss)
        thread = ProcessInfo.processInfo.activeProcessorCount
        ws = Int(defaults.ws)
        neg = Int(defaults.neg)
        seed = Int(defaults.seed)
    }

    /// Calls `body` with the C form of these arguments (valid only inside it).
    func withCArgs<Result>(_ body: (UnsafePointer<cfasttext_train_args>) throws -> Result) throws -> Result {
        var args = cfasttext_train_args()
        cfasttext_train_args_init(&args, model.cValue)
        args.dim = try int32(dim, "dim")
        args.epoch = try int32(epoch, "epoch")
        args.lr = lr
        args.minn = try int32(minn, "minn")
        args.maxn = try int32(maxn, "maxn")
        args.word_ngrams = try int32(wordNgrams, "wordNgrams")
        args.min_count = try int32(minCount, "minCount")
        args.bucket = try int32(bucket, "bucket")
        args.loss = loss.cValue
        args.thread = try int32(thread, "thread")
        args.ws = try int32(ws, "ws")
        args.neg = try int32(neg, "neg")
        args.seed = try int32(seed, "seed")
        args.verbose = try int32(verbose, "verbose")
        return try input.withCString { input in
            try label.withCString { label in
                args.input = input
                args.label = label
                return try body(&args)
            }
        }
    }

    private func int32(_ value: Int, _ name: String) throws -> Int32 {
        guard let narrow = Int32(exactly: value) else {
            throw FastTextError(message: "\(name) \(value) is out of range")
        }
        return narrow
    }
}

extension FastTextTrainArgs.Model {
    var cValue: Int32 {
        switch self {
        case .supervised: Int32(CFASTTEXT_MODEL_SUPERVISED)
        case .skipgram: Int32(CFASTTEXT_MODEL_SKIPGRAM)
        case .cbow: Int32(CFASTTEXT_MODEL_CBOW)
        }
    }

    init?(cValue: Int32) {
        switch Int(cValue) {
        case Int(CFASTTEXT_MODEL_SUPERVISED): self = .supervised
        case Int(CFASTTEXT_MODEL_SKIPGRAM): self = .skipgram
        case Int(CFASTTEXT_MODEL_CBOW): self = .cbow
        default: return nil
        }
    }
}

extension FastTextTrainArgs.Loss {
    var cValue: Int32 {
        switch self {
        case .softmax: Int32(CFASTTEXT_LOSS_SOFTMAX)
        case .ns: Int32(CFASTTEXT_LOSS_NS)
        case .hs: Int32(CFASTTEXT_LOSS_HS)
        case .ova: Int32(CFASTTEXT_LOSS_OVA)
        }
    }

    init(cValue: Int32) {
        switch Int(cValue) {
        case Int(CFASTTEXT_LOSS_SOFTMAX): self = .softmax
        case Int(CFASTTEXT_LOSS_HS): self = .hs
        case Int(CFASTTEXT_LOSS_OVA): self = .ova
        default: self = .ns
        }
    }
}
