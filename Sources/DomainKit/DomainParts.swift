/// A domain name cut by the Public Suffix List, as slices of the name that was split.
///
/// For `a.b.example.co.uk`: subdomain `a.b`, registrable `example.co.uk`, suffix `co.uk`.
package struct DomainParts: Sendable, Equatable {
    /// Labels left of the registrable name, nil if none.
    package var subdomain: Substring?
    /// eTLD+1, nil when the name is itself a public suffix.
    package var registrable: Substring?
    /// The public suffix.
    package var suffix: Substring

    package init(subdomain: Substring?, registrable: Substring?, suffix: Substring) {
        self.subdomain = subdomain
        self.registrable = registrable
        self.suffix = suffix
    }
}
