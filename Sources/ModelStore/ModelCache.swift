import Foundation

/// Where compressed model files are expanded to, once, so they can be mapped like plain ones: a file per
/// model version (`<digest>.dcm`) in `$DOMCAT_MODEL_CACHE`, else `$XDG_CACHE_HOME/domcat/models`, else
/// `~/.cache/domcat/models`. Each cached file is checked like any mapped model when it is used.
package enum ModelCache {
    package static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["DOMCAT_MODEL_CACHE"], !path.isEmpty { return path }
        if let path = environment["XDG_CACHE_HOME"], !path.isEmpty { return path + "/domcat/models" }
        return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSTemporaryDirectory()) + "/.cache/domcat/models"
    }

    /// The plain, mapped form of the compressed file `bytes` (read from `path`): the cached one when it is
    /// there and whole, else expanded, written to the cache and mapped. When the cache cannot be written,
    /// the model is used from memory as expanded.
    static func plain(expanding bytes: [UInt8], path: String) throws -> ModelFile {
        let digest = hex(bytes.suffix(32))
        let cached = directory + "/" + digest + ".dcm"
        if let mapping = try? MappedFile(path: cached), let file = try? ModelFile.mapped(mapping, path: cached), file.digest == digest {
            return file
        }
        let (file, headerBytes) = try ModelFile.expand(bytes, path: path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let names = file.sectionNames
            let writers = names.map { name -> ModelFile.SectionWriter in
                let section = file.sections[name]!
                return { emit in try section.withUnsafeBytes { try emit($0) } }
            }
            _ = try ModelFile.writeDurably(to: cached) { emit in
                hex(try ModelFile.emitPlain(headerBytes: headerBytes, names: names, rawLengths: names.map { file.sections[$0]!.count },
                                            writers: writers, emit: emit))
            }
            return try ModelFile.mapped(MappedFile(path: cached), path: cached)
        } catch {
            return file
        }
    }
}
