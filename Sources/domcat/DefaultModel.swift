import DomainKit
import Foundation
import ModelStore

/// Where the default models are looked for when none is named: `$DOMCAT_MODEL` (a model file or a folder),
/// the folder of the binary, then `/usr/local/share/domcat`. The default set is the first folder's
/// `category.dcm` and `service.dcm` (`make model` puts them next to the binary).
enum DefaultModel {
    static let setFiles = ["category.dcm", "service.dcm"]

    static var folders: [String] {
        var folders: [String] = []
        if let env = ProcessInfo.processInfo.environment["DOMCAT_MODEL"] { folders.append(env) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path)
        folders.append("/usr/local/share/domcat")
        return folders
    }

    /// The default set's files, in output order.
    static func paths() -> [String] {
        let manager = FileManager.default
        for folder in folders {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue { return [folder] }
            let found = setFiles.map { folder + "/" + $0 }.filter { manager.fileExists(atPath: $0) }
            if !found.isEmpty { return found }
        }
        fail("no model given and no default model found (looked for \(setFiles.joined(separator: " and ")) in \(folders.joined(separator: ", "))); run `make model` or pass a MODEL",
             code: ExitCodes.model)
    }
}

/// Loads the models named, or the default set when none is; a model that cannot be read ends the run (exit 3).
func loadModels(_ paths: [String], suffixes: PublicSuffixList) -> [Model] {
    (paths.isEmpty ? DefaultModel.paths() : paths).map { path in
        do { return try Model.load(path: path, suffixes: suffixes) } catch { fail("\(error)", code: ExitCodes.model) }
    }
}

func loadModel(_ path: String?, suffixes: PublicSuffixList) -> Model {
    loadModels(path.map { [$0] } ?? [], suffixes: suffixes)[0]
}
