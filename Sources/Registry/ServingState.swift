import Foundation

/// What a `serve --registry` should be serving: the production version and the running experiment, stamped
/// with the audit log's last entry — every promote, rollback and experiment start or stop writes one — so a
/// server that learns the state twice (from the index and from a Redis announcement) keeps the newest.
package struct ServingState: Codable, Sendable, Equatable {
    /// A version and the SHA-256 of its file, enough to load it from `models/VERSION.dcm` without the index.
    package struct Version: Codable, Sendable, Equatable {
        package var version: String
        package var digest: String
        package init(version: String, digest: String) { (self.version, self.digest) = (version, digest) }
    }

    /// Audit log's last id when the state was read: higher is newer.
    package var sequence: Int
    package var production: Version?
    package var experiment: Experiment?
    /// The experiment's treatment (its control is `production` or another version, given here too).
    package var control: Version?
    package var treatment: Version?

    package init(sequence: Int, production: Version?, experiment: Experiment?, control: Version?, treatment: Version?) {
        (self.sequence, self.production, self.experiment, self.control, self.treatment) = (sequence, production, experiment, control, treatment)
    }

    /// The Redis channel announcements go out on unless told otherwise.
    package static let defaultChannel = "domcat:registry"

    /// The announcement's text: this state as one line of JSON.
    package func announcement() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// A state from an announcement; nil when the text is not one.
    package init?(announcement: String) {
        guard let state = try? JSONDecoder().decode(ServingState.self, from: Data(announcement.utf8)) else { return nil }
        self = state
    }
}

extension ModelRegistry {
    /// The state in one read transaction, so production and the experiment are of one moment.
    package func servingState() throws -> ServingState {
        try db.transaction(readOnly: true) {
            let sequence = try db.query("SELECT MAX(id) AS id FROM audit").first?.int("id") ?? 0
            func version(_ v: String) throws -> ServingState.Version { .init(version: v, digest: try model(v).digest) }
            let production = try production().map { ServingState.Version(version: $0.version.description, digest: $0.digest) }
            let experiment = try runningExperiment()
            return ServingState(sequence: sequence, production: production, experiment: experiment,
                                control: try experiment.map { try version($0.control) }, treatment: try experiment.map { try version($0.treatment) })
        }
    }

    /// The newest registered version (the likeliest next promotion), in one indexed read.
    package func latestRegistered() throws -> ServingState.Version? {
        try db.query("SELECT version, digest FROM models WHERE status = 'registered' ORDER BY major DESC, minor DESC, patch DESC LIMIT 1")
            .first.flatMap { row in row.text("version").map { ServingState.Version(version: $0, digest: row.text("digest") ?? "") } }
    }

    /// The file of a version, by the folder's naming rule (the index need not be readable: a copy of the
    /// folder on another machine serves as well).
    package static func file(of version: String, in directory: String) -> String { directory + "/models/\(version).dcm" }
}
