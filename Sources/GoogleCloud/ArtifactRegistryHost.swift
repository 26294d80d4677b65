/// A registry host served by Google Artifact Registry, and what the host name says about the repository.
///
/// - `LOCATION-docker.pkg.dev` (a region such as `us-east1`, or a multi-region `us`, `europe`, `asia`);
/// - `docker.LOCATION.rep.pkg.dev` (regional endpoints for data residency);
/// - the legacy Container Registry hosts `gcr.io`, `us.gcr.io`, `eu.gcr.io`, `asia.gcr.io`, now served by
///   Artifact Registry repositories named after the host (`gcr.io` in `us`, `eu.gcr.io` in `europe` …).
public struct ArtifactRegistryHost: Sendable, Hashable, CustomStringConvertible {
    /// Which naming scheme the host uses.
    public enum Kind: String, Sendable, Hashable {
        /// `LOCATION-docker.pkg.dev`.
        case artifactRegistry
        /// `docker.LOCATION.rep.pkg.dev`.
        case regionalEndpoint
        /// `gcr.io`, `us.gcr.io`, `eu.gcr.io`, `asia.gcr.io`.
        case containerRegistry
    }

    /// The host name, lowercased (`us-east1-docker.pkg.dev`).
    public let name: String
    /// The naming scheme.
    public let kind: Kind
    /// The Artifact Registry location (`us-east1`, `us`, `europe`).
    public let location: String

    /// The multi-region locations.
    public static let multiRegions: Set<String> = ["us", "europe", "asia"]

    /// The legacy Container Registry hosts and the location of the Artifact Registry repository that serves them.
    public static let containerRegistryHosts: [String: String] = [
        "gcr.io": "us", "us.gcr.io": "us", "eu.gcr.io": "europe", "asia.gcr.io": "asia",
    ]

    /// Parses `host`; nil when it is not a Google registry host. Throws for a Google host with a bad location
    /// (`us-west1-c-docker.pkg.dev`, a zone).
    public init?(_ host: String) throws(GoogleCloudError) {
        let lowered = host.lowercased()
        if let location = Self.containerRegistryHosts[lowered] {
            self.init(name: lowered, kind: .containerRegistry, location: location)
            return
        }
        if lowered.hasSuffix("-docker.pkg.dev"), !lowered.dropLast("-docker.pkg.dev".count).contains(".") {
            let location = String(lowered.dropLast("-docker.pkg.dev".count))
            try Self.validateLocation(location, host: lowered)
            self.init(name: lowered, kind: .artifactRegistry, location: location)
            return
        }
        if lowered.hasPrefix("docker."), lowered.hasSuffix(".rep.pkg.dev") {
            let location = String(lowered.dropFirst("docker.".count).dropLast(".rep.pkg.dev".count))
            guard !location.isEmpty, !location.contains(".") else { return nil }
            try Self.validateLocation(location, host: lowered)
            self.init(name: lowered, kind: .regionalEndpoint, location: location)
            return
        }
        return nil
    }

    private init(name: String, kind: Kind, location: String) {
        self.name = name
        self.kind = kind
        self.location = location
    }

    /// The host for a location: `LOCATION-docker.pkg.dev`.
    public static func artifactRegistry(location: String) throws(GoogleCloudError) -> ArtifactRegistryHost {
        let lowered = location.lowercased()
        try validateLocation(lowered, host: "\(lowered)-docker.pkg.dev")
        return ArtifactRegistryHost(name: "\(lowered)-docker.pkg.dev", kind: .artifactRegistry, location: lowered)
    }

    /// True for every host Google serves container images from: `*.pkg.dev`, `gcr.io` and `*.gcr.io`
    /// (also hosts with a bad location, so credentials are still looked up the Google way).
    public static func isGoogleHost(_ host: String) -> Bool {
        var lowered = host.lowercased()
        if let colon = lowered.lastIndex(of: ":"), !lowered.contains("]") {
            lowered = String(lowered[..<colon])
        }
        return lowered == "gcr.io" || lowered.hasSuffix(".gcr.io") || lowered.hasSuffix(".pkg.dev")
    }

    /// The Artifact Registry repository that serves a `gcr.io` host (`gcr.io`, `eu.gcr.io` …); nil for others.
    public var impliedRepository: String? {
        kind == .containerRegistry ? name : nil
    }

    /// The path shape of images on this kind of host, for messages:
    /// `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE`, `docker.LOCATION.rep.pkg.dev/PROJECT/REPOSITORY/IMAGE` or
    /// `gcr.io/PROJECT/IMAGE`.
    public var imageShape: String {
        switch kind {
        case .artifactRegistry: "LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE"
        case .regionalEndpoint: "docker.LOCATION.rep.pkg.dev/PROJECT/REPOSITORY/IMAGE"
        case .containerRegistry: "\(name)/PROJECT/IMAGE"
        }
    }

    /// The host name.
    public var description: String { name }

    /// Checks that `location` is a region (`us-east1`) or multi-region (`us`), not a zone (`us-west1-c`).
    static func validateLocation(_ location: String, host: String) throws(GoogleCloudError) {
        if multiRegions.contains(location) || isRegion(location) { return }
        let parts = location.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, isRegion(parts[0...1].joined(separator: "-")), parts[2].count == 1,
            parts[2].allSatisfy({ $0.isLetter })
        {
            let region = parts[0...1].joined(separator: "-")
            throw GoogleCloudError(
                "\(host): \"\(location)\" is a zone, not an Artifact Registry location — use the region: "
                    + "\(region)-docker.pkg.dev")
        }
        throw GoogleCloudError(
            "\(host): \"\(location)\" is not an Artifact Registry location — use a region like us-east1 "
                + "(\(host.hasPrefix("docker.") ? "docker.us-east1.rep.pkg.dev" : "us-east1-docker.pkg.dev")) or a "
                + "multi-region us, europe, asia")
    }

    /// `us-east1`, `europe-west4`, `northamerica-northeast1`: letters, a dash, letters ending in digits.
    static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let area = parts[0]
        let zone = parts[1]
        guard !area.isEmpty, area.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        let letters = zone.prefix { $0.isASCII && $0.isLowercase }
        let digits = zone.dropFirst(letters.count)
        return !letters.isEmpty && !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
