import ModelStore

/// Which part of the version a new model bumps, read from the headers of it and of the model it follows:
/// major when the kind or the feature space differs (its answers are not comparable feature by feature),
/// minor when it saw other data (continued, or trained on another corpus), patch when only training
/// settings differ on the same data.
package enum VersionRule {
    /// Parameters that fix the feature space; any other parameter only steers training.
    static let featureSpaceKeys = ["bucketBits", "dimension", "tokenizer", "embedding", "hashesPerToken", "projection", "sizes"]

    package static func bump(_ new: ModelHeader, after base: ModelHeader, baseDigest: String) -> SemanticVersion.Bump {
        if new.kind != base.kind { return .major }
        for key in featureSpaceKeys where new.parameters[key] != base.parameters[key] { return .major }
        if new.parent == baseDigest || new.corpusDigest != base.corpusDigest || new.labels != base.labels { return .minor }
        return .patch
    }
}
