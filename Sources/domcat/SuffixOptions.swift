import ArgumentParser
import DomainKit

/// Options every command that touches names shares.
struct SuffixOptions: ParsableArguments {
    @Option(name: .customLong("psl"), help: "Public Suffix List file (Debian package publicsuffix).")
    var pslPath: String = PublicSuffixList.debianPath

    func load() throws -> PublicSuffixList {
        do { return try PublicSuffixList(path: pslPath) } catch { fail("\(error) (install Debian's publicsuffix or pass --psl FILE)", code: 4) }
    }
}
