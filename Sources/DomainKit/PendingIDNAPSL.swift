// Temporary until branch idna-psl merges (same API).
import Foundation
public enum IDNA {
    public static func toASCII(_ name: String) -> String? { name.allSatisfy(\.isASCII) ? name.lowercased() : nil }
    public static func toUnicode(_ asciiName: String) -> String { asciiName }
}
public struct DomainParts: Sendable, Equatable {
    public var subdomain: Substring?
    public var registrable: Substring?
    public var suffix: Substring
}
public final class PublicSuffixList: @unchecked Sendable {
    public static let debianPath = "/usr/share/publicsuffix/public_suffix_list.dat"
    public init(path: String = PublicSuffixList.debianPath) throws {}
    public init(text: String) {}
    public func suffixLabelCount(_ name: UnsafeBufferPointer<UInt8>) -> Int { 1 }
    public func split(_ name: Substring) -> DomainParts {
        let parts = name.split(separator: ".")
        let suffix = parts.last!
        let reg = parts.count >= 2 ? name[parts[parts.count - 2].startIndex...] : nil
        let sub = parts.count >= 3 ? name[..<name.index(before: parts[parts.count - 2].startIndex)] : nil
        return DomainParts(subdomain: sub, registrable: reg, suffix: suffix)
    }
    public func registrableDomain(_ name: String) -> String? { split(Substring(name)).registrable.map(String.init) }
    public static let shared: PublicSuffixList? = try? PublicSuffixList()
}
