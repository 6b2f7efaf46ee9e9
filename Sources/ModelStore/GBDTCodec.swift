import DomainKit
import FastTextKit
import Features
import Foundation
import Learners

/// Sections and parameters of the `gbdt` kind. One file holds the whole pipeline:
/// `embedding` (learned table, sparse) or `fasttext` (the skipgram `.bin`) — nothing for a random
/// table, which is regenerated from its seed —, `frequencies` (u32 counts), `projection` (JSON),
/// `gbdt` (the trees' own checked format). Sizes, shape selection and tree parameters are in the header.
package enum GBDTCodec {
    package static let kind = "gbdt"

    package static func encode(_ classifier: GBDTClassifier, header: ModelHeader) throws -> ModelFile {
        var header = header
        header.kind = kind
        header.labels = classifier.labels
        header.parameters = try JSONValue.from(classifier.params)
        var sections: [String: [UInt8]] = [
            "frequencies": classifier.featurizer.pooling.frequencies.bytes(),
            "projection": Array(try JSONEncoder().encode(classifier.featurizer.projection)),
            "gbdt": classifier.model.serialized(),
        ]
        if let readout = classifier.featurizer.readout { sections["readout"] = Array(try JSONEncoder().encode(readout)) }
        switch classifier.featurizer.pooling.embedding {
        case let table as HashedEmbedding where table.seed == nil: sections["embedding"] = table.sparseBytes()
        case let fastText as FastTextEmbedding: sections["fasttext"] = try fastText.model.serialized()
        default: break
        }
        return ModelFile(header: header, sections: sections)
    }

    package static func decode(_ file: ModelFile, suffixes: PublicSuffixList) throws -> GBDTClassifier {
        let p = try JSONValue.decode(GBDTPipelineParams.self, from: file.header.parameters)
        func section(_ name: String) throws -> [UInt8] {
            guard let bytes = file.section(name) else { throw ModelDataError("section \(name) missing") }
            return bytes
        }
        // Bounded before anything is allocated, as for `linear`: a damaged header must not ask for terabytes.
        guard p.bucketBits > 0, p.bucketBits <= 28, p.dimension > 0, p.dimension <= 1024, p.hashesPerToken >= 1, p.hashesPerToken <= 8,
              (1 << p.bucketBits) * p.dimension <= 1 << 31 else {
            throw ModelDataError("implausible embedding sizes: 2^\(p.bucketBits) × \(p.dimension), k \(p.hashesPerToken)")
        }
        let embedding: any TokenEmbedding
        switch p.embedding {
        case .hashed:
            embedding = HashedEmbedding(randomBucketBits: p.bucketBits, dimension: p.dimension, hashesPerToken: p.hashesPerToken, seed: p.seed)
        case .linear:
            guard let table = HashedEmbedding.fromSparse(try section("embedding"), bucketBits: p.bucketBits, dimension: p.dimension) else {
                throw ModelDataError("section embedding does not fit 2^\(p.bucketBits) × \(p.dimension)")
            }
            embedding = table
        case .fasttext:
            do { embedding = FastTextEmbedding(model: try FastTextModel(bytes: try section("fasttext"))) } catch let e as ModelDataError { throw e } catch {
                throw ModelDataError("fasttext section: \(error)")
            }
        }
        guard let frequencies = TokenFrequencies(bytes: try section("frequencies"), bits: p.frequencyBits) else {
            throw ModelDataError("section frequencies does not hold 2^\(p.frequencyBits) counts")
        }
        let projection = try JSONDecoder().decode(LinearProjection.self, from: Data(try section("projection")))
        let readout = try file.section("readout").map { try JSONDecoder().decode(LinearProjection.self, from: Data($0)) }
        guard readout.map({ $0.inputDimension == embedding.dimension }) ?? true,
              projection.inputDimension == (readout?.outputDimension ?? embedding.dimension) else {
            throw ModelDataError("projection/readout widths do not fit the \(embedding.dimension)-dim embedding")
        }
        guard p.shapeSelection.allSatisfy({ (0..<ShapeFeatures.count).contains($0) }) else { throw ModelDataError("shape selection out of range") }
        let model: GBDTModel
        do { model = try GBDTModel(serialized: try section("gbdt")) } catch let e as ModelDataError { throw e } catch { throw ModelDataError("gbdt section: \(error)") }
        let tokenizer = Tokenizer(suffixes: suffixes, config: p.tokenizer)
        guard p.kindScales.map({ $0.count == AttentionPooling.unitScales.count && $0.allSatisfy { $0.isFinite && $0 >= 0 } }) ?? true else {
            throw ModelDataError("kindScales: want \(AttentionPooling.unitScales.count) finite non-negative numbers")
        }
        let pooling = AttentionPooling(tokenizer: tokenizer, embedding: embedding, frequencies: frequencies, weighting: p.poolingWeights,
                                       kindScales: p.kindScales)
        let featurizer = Featurizer(pooling: pooling,
                                    readout: readout, projection: projection, shapeSelection: p.shapeSelection)
        guard model.numFeatures == featurizer.width, model.numClasses == file.header.labels.count else {
            throw ModelDataError("trees expect \(model.numFeatures) features / \(model.numClasses) classes; pipeline gives \(featurizer.width) / \(file.header.labels.count)")
        }
        return GBDTClassifier(labels: file.header.labels, featurizer: featurizer, model: model, params: p)
    }
}
