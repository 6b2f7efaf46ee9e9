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

    package static func decode(_ file: ModelFile, suffixes: PublicSuffixList) throws -> LinearModel {
        let params = try JSONValue.decode(LinearParams.self, from: file.header.parameters)
        // Bounded before anything is allocated: a damaged header must not ask for terabytes.
        guard params.bucketBits > 0, params.bucketBits <= 28, params.dimension > 0, params.dimension <= 1024,
              params.buckets * params.dimension <= 1 << 31 else {
            throw ModelDataError("implausible sizes: 2^\(params.bucketBits) buckets × \(params.dimension)")
        }
        guard let input = file.sections["input"] else { throw ModelDataError("section input missing") }
        guard let output = file.sections["output"] else { throw ModelDataError("section output missing") }
        var frequency: DocumentFrequency?
        if params.weighting == .idf {
            guard let bytes = file.sections["document-frequency"] else { throw ModelDataError("section document-frequency missing") }
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
