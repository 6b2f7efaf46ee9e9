import CFastText

/// A fastText model (libfasttext 0.9.2): trained here, or loaded from any
/// `.bin`/`.ftz` the `fasttext` tool wrote.
///
/// Every call on a model is safe from any number of threads at once:
/// prediction, vectors, labels and saving only read it (fastText's own
/// thread-unsafe parts, nearest-neighbour and analogy queries, are not
/// exposed). Loading checks the whole file structure first, so a corrupt or
/// foreign file throws instead of crashing or hanging libfasttext.
package final class FastTextModel: @unchecked Sendable {
    let handle: OpaquePointer
    /// Length of every word and sentence vector.
    package let dimension: Int
    /// Label names by index, with the label prefix removed.
    package let labels: [String]
    /// How the model was trained; only `.supervised` models predict labels.
    package let kind: FastTextTrainArgs.Model

    /// Trains from `args.input`, then writes `args.output` if given.
    package static func train(_ args: FastTextTrainArgs) throws -> FastTextModel {
        let handle = try args.withCArgs { cArgs in
            try throwingFastTextError({ cfasttext_train(cArgs, $0) }, succeeded: { $0 != nil })!
        }
        let model = FastTextModel(handle: handle, labelPrefix: args.label)
        if let output = args.output {
            try model.save(to: output)
        }
        return model
    }

    /// Loads a model file. `labelPrefix` is stripped from label names
    /// (fastText does not store the prefix it was trained with).
    package convenience init(contentsOf path: String, labelPrefix: String = "__label__") throws {
        let handle = try throwingFastTextError({ cfasttext_load_file(path, $0) }, succeeded: { $0 != nil })!
        self.init(handle: handle, labelPrefix: labelPrefix)
    }

    /// Loads a model from the bytes of a model file, e.g. a section of a
    /// domcat model file, without going through the file system.
    package convenience init(bytes: [UInt8], labelPrefix: String = "__label__") throws {
        let handle = try bytes.withUnsafeBufferPointer { buffer in
            try throwingFastTextError(
                { cfasttext_load_bytes(buffer.baseAddress, buffer.count, $0) }, succeeded: { $0 != nil })!
        }
        self.init(handle: handle, labelPrefix: labelPrefix)
    }

    private init(handle: OpaquePointer, labelPrefix: String) {
        self.handle = handle
        dimension = Int(cfasttext_dimension(handle))
        kind = FastTextTrainArgs.Model(cValue: cfasttext_model_kind(handle)) ?? .supervised
        labels = (0..<cfasttext_label_count(handle)).map { index in
            var length = 0
            let bytes = UnsafeRawPointer(cfasttext_label(handle, index, &length)!)
            let name = String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
            return name.hasPrefix(labelPrefix) ? String(name.dropFirst(labelPrefix.count)) : name
        }
    }

    deinit {
        cfasttext_free(handle)
    }

    /// Writes the model in fastText's `.bin` format (readable by the `fasttext` tool).
    package func save(to path: String) throws {
        _ = try throwingFastTextError({ cfasttext_save_file(handle, path, $0) }, succeeded: { $0 == 0 })
    }

    /// The bytes `save(to:)` would write.
    package func serialized() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try withUnsafeMutablePointer(to: &bytes) { output in
            _ = try throwingFastTextError({ err in
                cfasttext_serialize(handle, { context, chunk, count in
                    let output = context!.assumingMemoryBound(to: [UInt8].self)
                    output.pointee.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
                }, output, err)
            }, succeeded: { $0 == 0 })
        }
        return bytes
    }
}
