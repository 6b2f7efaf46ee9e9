import DomainKit

/// A control and a treatment version served side by side. `split`: a share of units gets the treatment's
/// answers; `shadow`: every unit gets the control's, and the treatment scores the same names off the answer
/// path (a paired design). A unit — the registrable name, the name, or the client — always gets one arm.
package struct Experiment: Codable, Sendable, Equatable {
    package enum Mode: String, Codable, Sendable, CaseIterable { case split, shadow }
    package enum Unit: String, Codable, Sendable, CaseIterable { case registrable, name, client }
    package enum Arm: String, Codable, Sendable { case control, treatment }

    package var id: Int
    package var control: String
    package var treatment: String
    package var mode: Mode
    /// The treatment's share of units (split); 1 in shadow mode, where it sees every name.
    package var share: Double
    package var unit: Unit
    /// The smallest accuracy difference worth detecting: it sets the sample size the status asks for.
    package var minimumEffect: Double
    package var running: Bool
    package var startedAt: String
    package var stoppedAt: String?
    package var decision: String?

    package init(id: Int, control: String, treatment: String, mode: Mode, share: Double, unit: Unit, minimumEffect: Double,
                 running: Bool, startedAt: String, stoppedAt: String?, decision: String?) {
        (self.id, self.control, self.treatment, self.mode, self.share, self.unit) = (id, control, treatment, mode, share, unit)
        (self.minimumEffect, self.running, self.startedAt, self.stoppedAt, self.decision) = (minimumEffect, running, startedAt, stoppedAt, decision)
    }

    /// The arm of a unit: FNV-1a 64 of the unit's key with the experiment's id, mixed, as a number in [0, 1);
    /// below `share` is the treatment. The same unit gets the same arm for the whole experiment.
    package func arm(forUnitKey key: String) -> Arm {
        guard mode == .split else { return .control }
        var hash = FNV1a64.offsetBasis
        for byte in "\(id)\u{0}\(key)".utf8 { hash = FNV1a64.step(hash, byte) }
        let unit = Double(mixHash(hash) >> 11) / Double(1 << 53)
        return unit < share ? .treatment : .control
    }

    /// The unit's key of a name (a client's address is the caller's to give).
    package func unitKey(name: String, client: String?, suffixes: PublicSuffixList) -> String {
        switch unit {
        case .name: name
        case .registrable: suffixes.registrableDomain(name) ?? name
        case .client: client ?? suffixes.registrableDomain(name) ?? name
        }
    }
}
