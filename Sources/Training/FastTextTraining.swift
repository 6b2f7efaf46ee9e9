import Corpora
import DomainKit
import FastTextKit
import Foundation
import Learners
import ModelStore

extension TrainJob {
    /// The `fasttext` kind: libfasttext's supervised training on domcat's word tokens, with the
    /// same dimension, epochs, learning rate and n-gram lengths as `linear` for a like-for-like model.
    func runFastText(_ corpus: LabelledCorpus, start: Date) throws -> Outcome {
        let tokenizer = Tokenizer(suffixes: suffixes, config: linear.tokenizer)
        var text: [UInt8] = []
        for (domain, label) in zip(corpus.domains, corpus.labels) {
            text.append(contentsOf: "__label__\(label) ".utf8)
            text.append(contentsOf: tokenizer.wordLine(domain).utf8)
            text.append(0x0A)
        }
        progress?("training (fastText)", 0, corpus.count, 0)
        let model = try trainFastText(.supervised, on: text) { args in
            args.epoch = linear.epochs
            args.lr = Double(linear.learningRate)
        }
        let classifier = FastTextClassifier(model: model, input: .tokens, tokenizer: tokenizer)
        return try finish(classifier, examples: CorpusDigest(corpus), names: TrainedNameList(corpus), skipped: corpus.skipped,
                          start: start, earlier: nil) {
            try FastTextCodec.encode(classifier, header: $0)
        }
    }
}
