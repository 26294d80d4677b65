import OCI

/// Where a reference's repository lives, after `registries.conf`: the primary endpoint (pushes go there; pulls
/// end there) and the pull sources in the order to try them.
public struct ResolvedRepository: Sendable {
    /// The reference as the user wrote it (normalised).
    public let reference: Reference
    /// Where pushes go: the `location` of the matching `[[registry]]`, or the reference's own registry.
    public let primary: RegistryEndpoint
    /// Mirrors first, in file order (skipping those not used for this reference: `mirror-by-digest-only`,
    /// `pull-from-mirror`), then ``primary``.
    public let pullSources: [RegistryEndpoint]
    /// The `prefix` of the `[[registry]]` table that matched, or nil when none did.
    public let matchedPrefix: String?

    /// Creates a resolution result.
    public init(
        reference: Reference, primary: RegistryEndpoint, pullSources: [RegistryEndpoint], matchedPrefix: String? = nil
    ) {
        self.reference = reference
        self.primary = primary
        self.pullSources = pullSources
        self.matchedPrefix = matchedPrefix
    }
}
