import Corpora
import DomainKit
import FastTextKit
import Features
import Foundation
import Learners
import ModelStore

extension TrainJob {
    /// The supervised hashed embedding table: `--embeddings-from` a linear model, or one trained now.
    func linearEmbeddingSource(_ corpus: LabelledCorpus) throws -> LinearModel {
        if let model = gbdt.continuedEmbeddings { return model }
        if let path = gbdt.embeddingsFrom {
            let loaded = try Model.load(path: path, suffixes: suffixes)
            guard let model = loaded.learned as? LinearModel else { throw TrainError("--embeddings-from \(path): a '\(loaded.header.kind)' model, not linear") }
            return model
        }
        return try trainLinear(corpus)
    }

    func trainLinear(_ corpus: LabelledCorpus) throws -> LinearModel {
        let (names, indices) = corpus.labelIndex()
        // The gbdt pipeline pools per-token rows of an embedding: the fastText-style model, not `linear`'s defaults.
        let model = LinearModel(labels: names, params: linear.embeddingOnly, suffixes: suffixes)
        progress?("embeddings (linear)", 0, corpus.count, 0)
        let bags = FeatureBags(domains: corpus.domains, labels: indices, tokenizer: model.tokenizer,
                               bucketMask: UInt64(model.params.buckets - 1), threads: model.params.threads)
        let report = progress
        LinearTrainer.train(model, on: bags, deadline: deadline) { done, total, loss in report?("embeddings (linear)", done, total, loss) }
        return model
    }

    /// Skipgram with subwords on the corpus's word tokens, plus `--unlabelled` names.
    func fastTextEmbeddingSource(_ corpus: LabelledCorpus) throws -> FastTextModel {
        let tokenizer = Tokenizer(suffixes: suffixes, config: linear.tokenizer)
        var text: [UInt8] = []
        func append(_ domain: Domain) {
            text.append(contentsOf: tokenizer.wordLine(domain).utf8)
            text.append(0x0A)
        }
        for domain in corpus.domains { append(domain) }
        let unlabelled = try LabelledCorpus.read(paths: gbdt.unlabelledPaths, labels: .ignored)
        if unlabelled.skipped > 0 { log("unlabelled names: \(unlabelled.skipped) lines without a name skipped") }
        for domain in unlabelled.domains { append(domain) }
        progress?("embeddings (fastText skipgram)", 0, corpus.count, 0)
        return try trainFastText(.skipgram, on: text) { $0.minCount = 1 }
    }
}
