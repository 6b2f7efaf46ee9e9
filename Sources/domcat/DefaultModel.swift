import DomainKit
import Foundation
import ModelStore

/// Where `classify` looks when no model is named: $DOMCAT_MODEL, next to the binary, the installed share folder.
enum DefaultModel {
    static var candidates: [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["DOMCAT_MODEL"] { paths.append(env) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        paths.append(executable.appendingPathComponent("default.dcm").path)
        paths.append("/usr/local/share/domcat/default.dcm")
        return paths
    }

    static func path() -> String {
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        fail("no model given and no default model found (looked in \(candidates.joined(separator: ", "))); run `make model` or pass a MODEL", code: ExitCodes.model)
    }
}

func loadModel(_ path: String?, suffixes: PublicSuffixList) -> Model {
    let path = path ?? DefaultModel.path()
    do { return try Model.load(path: path, suffixes: suffixes) } catch { fail("\(error)", code: ExitCodes.model) }
}
