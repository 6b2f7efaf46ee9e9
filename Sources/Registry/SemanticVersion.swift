/// `MAJOR.MINOR.PATCH`, ordered numerically (1.10.0 after 1.9.0).
package struct SemanticVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    package var major: Int, minor: Int, patch: Int

    package init(_ major: Int, _ minor: Int, _ patch: Int) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    package init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCII) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2]),
              major >= 0, minor >= 0, patch >= 0 else { return nil }
        self.init(major, minor, patch)
    }

    package var description: String { "\(major).\(minor).\(patch)" }

    package static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }

    package enum Bump: String, CaseIterable, Sendable { case major, minor, patch }

    package func bumped(_ bump: Bump) -> SemanticVersion {
        switch bump {
        case .major: SemanticVersion(major + 1, 0, 0)
        case .minor: SemanticVersion(major, minor + 1, 0)
        case .patch: SemanticVersion(major, minor, patch + 1)
        }
    }
}
