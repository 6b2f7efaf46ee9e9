import DomainKit
import Learners

/// Sections and parameters of the `linear` kind.
package enum LinearCodec {
    package static let kind = "linear"

    package static func encode(_ model: LinearModel, header: ModelHeader) throws -> ModelFile {
        var header = header
        header.kind = kind
        header.labels = model.labels
        header.parameters = try JSONValue.from(model.params)
        var file = ModelFile(header: header, sections: ["output": model.output.denseBytes()])
        if let frequency = model.documentFrequency { file.sections["document-frequency"] = frequency.sparseBytes() }
        file.streamedSections["input"] = { try model.input.writeSparse($0) }
        return file
    }

    /// The quantized model's sections: int8 rows, byte idf weights, and the label matrix of `.embedding` output.
    /// The earlier model's trained names come along; its rehearsal sample does not (a quantized model is
    /// not trained further).
    package static func encode(_ model: QuantizedLinearModel, header: ModelHeader) throws -> ModelFile {
        var header = header
        header.kind = kind
        header.labels = model.labels
        header.parameters = try JSONValue.from(model.params)
        var file = ModelFile(header: header, sections: [quantizedInput: Array(model.input.layout)])
        if let weights = model.weights { file.sections[quantizedWeights] = Array(weights.layout) }
        if let output = model.output { file.sections["output"] = output.denseBytes() }
        return file
    }

    static let quantizedInput = "input-q8"
    static let quantizedWeights = "idf-q8"

    package static func decode(_ file: ModelFile, suffixes: PublicSuffixList) throws -> any DomainClassifier {
        let params = try JSONValue.decode(LinearParams.self, from: file.header.parameters)
        guard params.quantization != nil else { return try decodeFloat(file, params: params, suffixes: suffixes) }
        guard params.bucketBits > 0, params.bucketBits <= 28, params.dimension > 0, params.dimension <= 1024 else {
            throw ModelDataError("implausible sizes: 2^\(params.bucketBits) buckets × \(params.dimension)")
        }
        guard let input = file.region(quantizedInput) else { throw ModelDataError("section \(quantizedInput) missing") }
        var weights: QuantizedWeights?
        if params.weighting == .idf {
            guard let region = file.region(quantizedWeights) else { throw ModelDataError("section \(quantizedWeights) missing") }
            weights = try QuantizedWeights(bytes: region.bytes, owner: region.owner)
        }
        var output: FloatTable?
        if !params.isDirect {
            guard let bytes = file.section("output") else { throw ModelDataError("section output missing") }
            output = try FloatTable.fromDense(bytes, rows: file.header.labels.count, columns: params.dimension)
        }
        return try QuantizedLinearModel(labels: file.header.labels, params: params, tokenizer: Tokenizer(suffixes: suffixes, config: params.tokenizer),
                                        input: QuantizedTable(bytes: input.bytes, owner: input.owner), output: output, weights: weights)
    }

    static func decodeFloat(_ file: ModelFile, params: LinearParams, suffixes: PublicSuffixList) throws -> LinearModel {
        // Bounded before anything is allocated: a damaged header must not ask for terabytes.
        guard params.bucketBits > 0, params.bucketBits <= 28, params.dimension > 0, params.dimension <= 1024,
              params.buckets * params.dimension <= 1 << 31 else {
            throw ModelDataError("implausible sizes: 2^\(params.bucketBits) buckets × \(params.dimension)")
        }
        guard let input = file.section("input") else { throw ModelDataError("section input missing") }
        guard let output = file.section("output") else { throw ModelDataError("section output missing") }
        var frequency: DocumentFrequency?
        if params.weighting == .idf {
            guard let bytes = file.section("document-frequency") else { throw ModelDataError("section document-frequency missing") }
            frequency = try DocumentFrequency.fromSparse(bytes, buckets: params.buckets)
        }
        if params.isDirect, params.dimension != file.header.labels.count {
            throw ModelDataError("direct scores need one column per label: \(params.dimension) columns, \(file.header.labels.count) labels")
        }
        return LinearModel(
            labels: file.header.labels, params: params,
            tokenizer: Tokenizer(suffixes: suffixes, config: params.tokenizer),
            input: try FloatTable.fromSparse(input, rows: params.buckets, columns: params.dimension),
            output: try FloatTable.fromDense(output, rows: file.header.labels.count, columns: params.dimension),
            documentFrequency: frequency)
    }
}
