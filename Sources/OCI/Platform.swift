import Support

/// An image platform: operating system, CPU architecture and optional variant, as in an index's `platform` object
/// and an image config's `os`/`architecture`/`variant`.
///
/// Decoding keeps the JSON values as they are; ``init(_:)`` and ``matches(_:)`` normalise architecture aliases
/// (`x86_64` → `amd64`, `aarch64` → `arm64`, `armhf` → `arm/v7`, …).
public struct Platform: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Operating system, e.g. `linux`.
    public var os: String
    /// CPU architecture in Go/OCI spelling, e.g. `amd64`, `arm64`.
    public var architecture: String
    /// CPU variant, e.g. `v7` for `arm`, `v8` for `arm64`.
    public var variant: String?
    /// Operating system version (`os.version`), used by Windows images.
    public var osVersion: String?
    /// Required operating system features (`os.features`).
    public var osFeatures: [String]?

    enum CodingKeys: String, CodingKey {
        case os
        case architecture
        case variant
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    /// Creates a platform from its parts, used exactly as given.
    public init(
        os: String, architecture: String, variant: String? = nil, osVersion: String? = nil,
        osFeatures: [String]? = nil
    ) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.osVersion = osVersion
        self.osFeatures = osFeatures
    }

    /// Parses `os/arch[/variant]` (e.g. `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`) and normalises the
    /// architecture: `x86_64`/`x86-64` → `amd64`, `aarch64` → `arm64`, `armhf` → `arm/v7`, `armel` → `arm/v6`,
    /// `i386`/`i686` → `386`; variants `8` → `v8` etc. An explicit variant is kept (`arm64/v8` stays `v8`).
    ///
    /// - Throws: ``OCIError`` naming the string and what is wrong with it.
    public init(_ string: String) throws(OCIError) {
        let parts = string.split(separator: "/", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard parts.count == 2 || parts.count == 3 else {
            throw OCIError("invalid platform \(string.quotedForMessage): expected \"os/arch\" or \"os/arch/variant\"")
        }
        if let empty = parts.firstIndex(where: \.isEmpty) {
            let what = ["os", "architecture", "variant"][empty]
            throw OCIError("invalid platform \(string.quotedForMessage): \(what) is empty")
        }
        if let bad = parts.first(where: {
            !$0.unicodeScalars.allSatisfy { $0.isWordCharacter || $0 == "." || $0 == "-" }
        }) {
            throw OCIError(
                "invalid platform \(string.quotedForMessage): \(bad.quotedForMessage) has invalid characters")
        }
        let (architecture, variant) = Platform.normalizedArchitecture(
            parts[1], variant: parts.count == 3 ? parts[2] : nil)
        self.init(os: Platform.normalizedOS(parts[0]), architecture: architecture, variant: variant)
    }

    /// `os/arch` or `os/arch/variant`.
    public var description: String {
        if let variant, !variant.isEmpty {
            return "\(os)/\(architecture)/\(variant)"
        }
        return "\(os)/\(architecture)"
    }

    /// The BuildKit placeholder platform of attestation entries in an index.
    public static let unknown = Platform(os: "unknown", architecture: "unknown")

    /// `linux/amd64`, the default target.
    public static let linuxAMD64 = Platform(os: "linux", architecture: "amd64")

    /// `linux/arm64`.
    public static let linuxARM64 = Platform(os: "linux", architecture: "arm64")

    /// Whether an image for this (offered) platform satisfies `wanted`.
    ///
    /// Both sides are normalised first. The OS and architecture must be equal. A `wanted` without a variant accepts
    /// any variant; otherwise the variants must be equal, where a missing variant means the architecture's baseline
    /// (`arm64` ≡ `arm64/v8`, `arm` ≡ `arm/v7`, `amd64` ≡ `amd64/v1`). A `wanted` OS version, if given, must be
    /// equal.
    public func matches(_ wanted: Platform) -> Bool {
        let offered = normalized
        let wanted = wanted.normalized
        guard offered.os == wanted.os, offered.architecture == wanted.architecture else { return false }
        if let wantedVersion = wanted.osVersion, !wantedVersion.isEmpty, offered.osVersion != wantedVersion {
            return false
        }
        guard let wantedVariant = wanted.variant, !wantedVariant.isEmpty else { return true }
        let offeredVariant = offered.variant.flatMap { $0.isEmpty ? nil : $0 }
        return (offeredVariant ?? Platform.baselineVariant(offered.architecture)) == wantedVariant
    }

    /// The platform with OS and architecture aliases normalised and variants in `vN` form.
    /// An explicit variant is kept (`arm64/v8` stays `arm64/v8`).
    public var normalized: Platform {
        let (architecture, variant) = Platform.normalizedArchitecture(
            architecture.lowercased(), variant: variant?.lowercased())
        return Platform(
            os: Platform.normalizedOS(os.lowercased()), architecture: architecture, variant: variant,
            osVersion: osVersion, osFeatures: osFeatures)
    }

    /// True for BuildKit's `unknown/unknown` placeholder used by attestation manifests.
    public var isUnknown: Bool {
        os == "unknown" && architecture == "unknown"
    }
}
