import Foundation
import Layers
import OCI

/// Puts a new image together from a base image and the new layers: the base config extended, and an OCI manifest.
///
/// The base config is kept (env, user, cmd, labels, exposed ports, history) and extended:
/// - `Env`: `PATH` gains ``BuildPlan/scriptsDirectory`` in front, `PYTHONPATH` is `/root` and
///   ``BuildPlan/sitePackages`` (then the base's value), then the spec's `env` in order, then `_F_IMG_ID=<spec id>`
///   (an existing variable is replaced in place);
/// - `WorkingDir` `/root`; `Entrypoint` from the spec when set (`[]` removes it; as in a Dockerfile, setting it
///   also drops the inherited `Cmd`);
/// - `rootfs.diff_ids` and `history` gain one entry per new layer; `created` is `SOURCE_DATE_EPOCH` (or the epoch).
///
/// The manifest is OCI: base layers keep their digests and sizes, Docker media types become their OCI equivalents.
/// Config and manifest bytes come from ``OCI/CanonicalJSON``, so the same inputs give the same digests.
public enum ImageAssembler {
    /// The default `PATH` when the base has none.
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// One new layer: the blob and its history line.
    public struct NewLayer: Sendable, Hashable {
        /// The blob.
        public var blob: LayerBlob
        /// The history's `created_by`.
        public var createdBy: String

        /// Creates a new-layer description.
        public init(blob: LayerBlob, createdBy: String) {
            self.blob = blob
            self.createdBy = createdBy
        }
    }

    /// The assembled image.
    public struct Image: Sendable {
        /// The config, with its exact bytes.
        public var config: Raw<ImageConfig>
        /// The manifest, with its exact bytes.
        public var manifest: Raw<ImageManifest>
    }

    /// Builds the config and manifest.
    ///
    /// - Parameters:
    ///   - baseConfig: the base image's config.
    ///   - baseManifest: the base image's manifest (its layers come first).
    ///   - baseReference: written as the `org.opencontainers.image.base.name` annotation, with the base digest.
    public static func assemble(
        plan: BuildPlan, baseConfig: ImageConfig, baseManifest: ImageManifest, baseReference: String,
        baseDigest: Digest, layers: [NewLayer], sourceDateEpoch: Int64
    ) throws(BuildError) -> Image {
        let created = ImageConfig.timestamp(Date(timeIntervalSince1970: TimeInterval(sourceDateEpoch)))
        var config = baseConfig
        config.created = created
        var container = config.config ?? ContainerConfig()
        container.env = environment(plan: plan, base: container.env)
        container.workingDir = "/root"
        if let entrypoint = plan.entrypoint {
            container.entrypoint = entrypoint.isEmpty ? nil : entrypoint
            container.cmd = nil
        }
        config.config = container
        config.rootfs = RootFS(diffIDs: baseConfig.rootfs.diffIDs + layers.map(\.blob.diffID))
        var history = baseConfig.history ?? []
        for layer in layers {
            history.append(History(created: created, createdBy: layer.createdBy, comment: "imagespec"))
        }
        config.history = history

        let rawConfig: Raw<ImageConfig>
        do {
            rawConfig = try Raw(encoding: config, mediaType: MediaType.ociConfig)
        } catch {
            throw BuildError(.io, "cannot encode the image config: \(error)")
        }
        var manifest = ImageManifest(
            mediaType: MediaType.ociManifest, config: rawConfig.descriptor,
            layers: baseManifest.layers.map {
                Descriptor(mediaType: MediaType.ociEquivalent(of: $0.mediaType), digest: $0.digest, size: $0.size)
            } + layers.map(\.blob.descriptor))
        manifest.annotations = [
            "org.opencontainers.image.base.name": baseReference,
            "org.opencontainers.image.base.digest": baseDigest.description,
        ]
        let rawManifest: Raw<ImageManifest>
        do {
            rawManifest = try Raw(encoding: manifest, mediaType: MediaType.ociManifest)
        } catch {
            throw BuildError(.io, "cannot encode the image manifest: \(error)")
        }
        return Image(config: rawConfig, manifest: rawManifest)
    }

    /// The new `Env` list (see the type's documentation).
    public static func environment(plan: BuildPlan, base: [String]?) -> [String] {
        var entries = base ?? []
        func value(_ name: String) -> String? {
            entries.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        func set(_ name: String, _ value: String) {
            let entry = "\(name)=\(value)"
            if let index = entries.firstIndex(where: { $0.hasPrefix(name + "=") || $0 == name }) {
                entries[index] = entry
            } else {
                entries.append(entry)
            }
        }
        let scripts = "/" + BuildPlan.scriptsDirectory
        let path = value("PATH") ?? defaultPath
        if !path.split(separator: ":").contains(Substring(scripts)) {
            set("PATH", scripts + ":" + path)
        }
        let ours = "/root:/" + BuildPlan.sitePackages
        if let existing = value("PYTHONPATH"), !existing.isEmpty, existing != ours {
            set("PYTHONPATH", ours + ":" + existing)
        } else {
            set("PYTHONPATH", ours)
        }
        for variable in plan.environment {
            set(variable.name, variable.value)
        }
        set("_F_IMG_ID", plan.specID)
        return entries
    }
}
