import Foundation
import Layers
import OCI
import Registry

/// Writes built images to their destination and reports what was sent.
struct Publisher: Sendable {
    let client: RegistryClient
    let options: BuildOptions
    let cache: LayerCache

    func publish(_ images: [BuiltImage], plan: BuildPlan, to destination: BuildDestination)
        async throws(BuildError) -> BuildReport
    {
        switch destination {
        case .registry(let reference):
            let queue = BlobPushQueue(
                client: client, repository: reference, store: BlobStore(directory: cache.blobsDirectory),
                limit: options.concurrency, options: options)
            _ = try await queue.pushing {
                for image in images {
                    for layer in image.base.manifest.layers {
                        queue.enqueue(
                            .base(layer, from: image.base.platformManifest.reference), platform: image.platform)
                    }
                    for layer in image.layers {
                        queue.enqueue(.built(layer.blob), platform: image.platform)
                    }
                    queue.enqueue(.config(image.image.config), platform: image.platform)
                }
                return true
            }
            return try await push(images, to: reference, outcomes: queue.outcomes)
        case .ociLayout(let path, let tag):
            options.report(.step("writing the OCI layout \(path) (tag \(tag))"))
            let digest = try await OCILayoutWriter(client: client, cache: cache).write(
                images, to: path, tag: tag, imageName: OCILayoutWriter.imageName(plan.imageName, tag: tag))
            return BuildReport(
                image: plan.imageName, digest: digest.description, skipped: false,
                destination: destination.description, platforms: images.map { report($0, pushed: [:], bytes: 0) })
        case .dockerArchive(let path, let name):
            guard images.count == 1, let image = images.first else {
                throw BuildError(
                    .destination,
                    "docker-archive holds one platform, but the spec builds \(images.count) — write an OCI layout "
                        + "(oci:DIR) or build a single platform")
            }
            options.report(.step("writing the docker archive \(path) (\(name))"))
            try await DockerArchiveWriter(client: client, cache: cache).write(image, to: path, name: name)
            return BuildReport(
                image: plan.imageName, digest: image.digest.description, skipped: false,
                destination: destination.description, platforms: [report(image, pushed: [:], bytes: 0)])
        }
    }

    // MARK: - Registry

    /// Pushes every platform image's manifest, then — for several platforms — the index, once `outcomes` (from a
    /// ``BlobPushQueue``) shows that every blob they name is in the registry. Only the last request writes the tag,
    /// so a failure never leaves the tag pointing at a partial image.
    func push(
        _ images: [BuiltImage], to target: Reference, outcomes: [Platform: [Digest: BuildEvent.BlobOutcome]]
    ) async throws(BuildError) -> BuildReport {
        var platforms: [BuildReport.PlatformImage] = []
        let multi = images.count > 1
        for image in images {
            let destination: Reference
            do {
                destination =
                    multi
                    ? try Reference(registry: target.registry, repository: target.repository, digest: image.digest)
                    : target
            } catch {
                throw BuildError(.destination, "\(target): \(error)")
            }
            options.report(.step("\(image.platform): pushing to \(destination)"))
            platforms.append(try await push(image, to: destination, outcomes: outcomes[image.platform] ?? [:]))
        }
        var digest = images.first?.digest
        var indexBytes: Int64 = 0
        if multi {
            let index = ImageIndex(mediaType: MediaType.ociIndex, manifests: images.map(\.indexDescriptor))
            let raw: Raw<ImageIndex>
            do {
                raw = try Raw(encoding: index, mediaType: MediaType.ociIndex)
            } catch {
                throw BuildError(.io, "cannot encode the image index: \(error)")
            }
            options.report(.step("pushing the index of \(images.count) platforms to \(target)"))
            do {
                try await client.putManifest(raw.bytes, mediaType: raw.mediaType, to: target)
            } catch {
                throw BuildError(.registry, "pushing the index to \(target): \(error.description)", cause: error)
            }
            digest = raw.digest
            indexBytes = raw.size
        }
        let total = platforms.reduce(indexBytes) { $0 + $1.bytesPushed }
        return BuildReport(
            image: target.description, digest: digest?.description, skipped: false,
            destination: BuildDestination.registry(target).description, platforms: platforms, bytesPushed: total)
    }

    /// Pushes the manifest of `image`, whose blobs `outcomes` lists as present, and returns what was sent.
    private func push(
        _ image: BuiltImage, to destination: Reference, outcomes: [Digest: BuildEvent.BlobOutcome]
    ) async throws(BuildError) -> BuildReport.PlatformImage {
        let manifest = image.image.manifest
        var pushed: [Digest: Bool] = [:]
        var bytes: Int64 = 0
        for descriptor in manifest.value.layers + [manifest.value.config] {
            guard let outcome = outcomes[descriptor.digest] else {
                throw BuildError(
                    .registry, "pushing \(destination): blob \(descriptor.digest) was not sent — nothing was tagged")
            }
            if outcome == .uploaded, pushed[descriptor.digest] == nil {
                bytes += descriptor.size
            }
            pushed[descriptor.digest] = outcome == .uploaded
        }
        do {
            try await client.putManifest(manifest.bytes, mediaType: manifest.mediaType, to: destination)
            bytes += manifest.size
        } catch {
            throw BuildError(.registry, "pushing \(destination): \(error.description)", cause: error)
        }
        return report(image, pushed: pushed, bytes: bytes)
    }

    func report(_ image: BuiltImage, pushed: [Digest: Bool], bytes: Int64) -> BuildReport.PlatformImage {
        let baseCount = image.base.manifest.layers.count
        let layers = image.image.manifest.value.layers.enumerated().map { index, descriptor in
            let built = index >= baseCount ? image.layers[index - baseCount] : nil
            return BuildReport.Layer(
                digest: descriptor.digest.description, size: descriptor.size, mediaType: descriptor.mediaType,
                pushed: pushed[descriptor.digest] ?? false, kind: built?.kind.rawValue ?? "base",
                packages: built.map(\.packages).flatMap { $0.isEmpty ? nil : $0 })
        }
        return BuildReport.PlatformImage(
            platform: image.platform.description, digest: image.digest.description,
            python: image.base.python.version, layers: layers, bytesPushed: bytes,
            steps: image.steps.map {
                BuildReport.Step(
                    kind: $0.kind.rawValue, cacheHit: $0.cacheHit, seconds: ($0.seconds * 1000).rounded() / 1000,
                    layers: $0.layers)
            })
    }
}
