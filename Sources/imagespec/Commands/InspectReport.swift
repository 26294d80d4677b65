import Foundation
import OCI

/// What `imagespec inspect` shows, as text or as one JSON object.
struct InspectReport: Encodable {
    /// One entry of an index.
    struct PlatformEntry: Encodable {
        /// `os/arch[/variant]`, or nil for an entry without a platform.
        let platform: String?
        let digest: String
        let mediaType: String
        let size: Int64
        /// True for a BuildKit attestation entry (`unknown/unknown`).
        let attestation: Bool
    }

    /// One layer of an image manifest.
    struct Layer: Encodable {
        let digest: String
        let size: Int64
        let mediaType: String
    }

    /// The index an image was selected from with `--platform`.
    struct ParentIndex: Encodable {
        let digest: String
        let mediaType: String
    }

    /// The image configuration, summarised.
    struct ConfigSummary: Encodable {
        let digest: String
        let mediaType: String
        let platform: String
        let os: String
        let architecture: String
        let variant: String?
        let created: String?
        let env: [String]
        let entrypoint: [String]?
        let cmd: [String]?
        let workingDir: String?
        let user: String?
        let labels: [String: String]
        let historyEntries: Int

        private enum CodingKeys: String, CodingKey {
            case digest, mediaType, platform, os, architecture, variant, created, env, entrypoint, cmd, workingDir
            case user, labels, historyEntries
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(digest, forKey: .digest)
            try container.encode(mediaType, forKey: .mediaType)
            try container.encode(platform, forKey: .platform)
            try container.encode(os, forKey: .os)
            try container.encode(architecture, forKey: .architecture)
            try container.encode(variant, forKey: .variant)
            try container.encode(created, forKey: .created)
            try container.encode(env, forKey: .env)
            try container.encode(entrypoint, forKey: .entrypoint)
            try container.encode(cmd, forKey: .cmd)
            try container.encode(workingDir, forKey: .workingDir)
            try container.encode(user, forKey: .user)
            try container.encode(labels, forKey: .labels)
            try container.encode(historyEntries, forKey: .historyEntries)
        }
    }

    /// The normalised reference inspected.
    let reference: String
    /// The digest of the manifest shown (the child's, when selected from an index with `--platform`).
    let digest: String
    /// Its media type.
    let mediaType: String
    /// Its size in bytes.
    let size: Int64
    /// `registry/repository@digest`.
    let pinned: String
    /// For an index: every entry.
    let platforms: [PlatformEntry]?
    /// For an image selected from an index: that index.
    let index: ParentIndex?
    /// For an image: its layers, base first.
    let layers: [Layer]?
    /// For an image: the total size of its layers (compressed, as stored).
    let layersSize: Int64?
    /// For an image whose config is an image configuration.
    let config: ConfigSummary?
    /// For an image whose config is something else (an OCI artifact): the config media type.
    let artifactType: String?
}

extension InspectReport {
    /// The report of an index.
    init(reference: Reference, index raw: Raw<Manifest>, entries: [Descriptor]) {
        self.reference = reference.description
        self.digest = raw.digest.description
        self.mediaType = raw.mediaType
        self.size = raw.size
        self.pinned = reference.pinned(to: raw.digest).description
        self.platforms = entries.map {
            PlatformEntry(
                platform: $0.platform?.description, digest: $0.digest.description, mediaType: $0.mediaType,
                size: $0.size, attestation: $0.isAttestation)
        }
        self.index = nil
        self.layers = nil
        self.layersSize = nil
        self.config = nil
        self.artifactType = nil
    }

    /// The report of an image manifest (optionally selected from `parent`).
    init(
        reference: Reference, image raw: Raw<Manifest>, manifest: ImageManifest, parent: Raw<Manifest>?,
        config: (descriptor: Descriptor, value: ImageConfig)?
    ) {
        self.reference = reference.description
        self.digest = raw.digest.description
        self.mediaType = raw.mediaType
        self.size = raw.size
        self.pinned = reference.pinned(to: raw.digest).description
        self.platforms = nil
        self.index = parent.map { ParentIndex(digest: $0.digest.description, mediaType: $0.mediaType) }
        self.layers = manifest.layers.map {
            Layer(digest: $0.digest.description, size: $0.size, mediaType: $0.mediaType)
        }
        self.layersSize = manifest.layers.reduce(0) { $0 + $1.size }
        if let config {
            let container = config.value.config
            self.config = ConfigSummary(
                digest: config.descriptor.digest.description, mediaType: config.descriptor.mediaType,
                platform: config.value.platform.description, os: config.value.os,
                architecture: config.value.architecture, variant: config.value.variant, created: config.value.created,
                env: container?.env ?? [], entrypoint: container?.entrypoint, cmd: container?.cmd,
                workingDir: container?.workingDir, user: container?.user, labels: container?.labels ?? [:],
                historyEntries: config.value.history?.count ?? 0)
            self.artifactType = nil
        } else {
            self.config = nil
            self.artifactType = manifest.artifactType ?? manifest.config.mediaType
        }
    }
}
