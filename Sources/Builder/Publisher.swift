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
            return try await push(images, to: reference)
        case .ociLayout(let path, let tag):
            options.report(.step("writing the OCI layout \(path) (tag \(tag))"))
            let digest = try await OCILayoutWriter(client: client, cache: cache).write(images, to: path, tag: tag)
            return BuildReport(
                image: plan.imageName, digest: digest.description, skipped: false,
                destination: destination.description, platforms: images.map { report($0, pushed: [:], bytes: 0) })
        case .dockerArchive(let path, let name):
            guard images.count == 1, let image = images.first else {
                throw BuildError(
                    .destination,
                    "docker-archive holds one platform, but the spec builds \(images.count) — use --output oci:DIR "
                        + "or a single platform")
            }
            options.report(.step("writing the docker archive \(path) (\(name))"))
            try await DockerArchiveWriter(client: client, cache: cache).write(image, to: path, name: name)
            return BuildReport(
                image: plan.imageName, digest: image.digest.description, skipped: false,
                destination: destination.description, platforms: [report(image, pushed: [:], bytes: 0)])
        }
    }

    // MARK: - Registry

    /// Pushes every platform image (blobs, config, manifest), then — for several platforms — the index. Only the
    /// last request writes the tag, so a failure never leaves the tag pointing at a partial image.
    func push(_ images: [BuiltImage], to target: Reference) async throws(BuildError) -> BuildReport {
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
            platforms.append(try await push(image, to: destination, repository: target))
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
                throw BuildError(.registry, "pushing the index to \(target): \(error.description)")
            }
            digest = raw.digest
            indexBytes = raw.size
        }
        let total = platforms.reduce(indexBytes) { $0 + $1.bytesPushed }
        return BuildReport(
            image: target.description, digest: digest?.description, skipped: false,
            destination: BuildDestination.registry(target).description, platforms: platforms, bytesPushed: total)
    }

    private enum BlobSource: Sendable {
        case base(Descriptor, from: Reference)
        case built(LayerBlob)
    }

    private func push(_ image: BuiltImage, to destination: Reference, repository: Reference)
        async throws(BuildError) -> BuildReport.PlatformImage
    {
        let sources =
            image.base.manifest.layers.map { BlobSource.base($0, from: image.base.platformManifest.reference) }
            + image.layers.map { BlobSource.built($0.blob) }
        let client = self.client
        let store = BlobStore(directory: cache.blobsDirectory)
        let options = self.options
        let platform = image.platform
        let outcomes = try await ConcurrentMap.map(sources, limit: options.concurrency) {
            source async throws -> (Digest, Bool, Int64) in
            let digest: Digest
            let size: Int64
            let outcome: BuildEvent.BlobOutcome
            switch source {
            case .base(let descriptor, let from):
                digest = descriptor.digest
                size = descriptor.size
                if try await client.blobExists(descriptor.digest, in: repository) {
                    outcome = .existing
                } else if try await client.mountBlob(descriptor.digest, from: from, to: repository) {
                    outcome = .mounted
                } else {
                    let path = try await store.fetch(descriptor, from: from, client: client)
                    try await client.uploadBlob(
                        from: path, digest: descriptor.digest, size: descriptor.size, to: repository)
                    outcome = .uploaded
                }
            case .built(let blob):
                digest = blob.digest
                size = blob.size
                if try await client.blobExists(blob.digest, in: repository) {
                    outcome = .existing
                } else {
                    try await client.uploadBlob(from: blob.path, digest: blob.digest, size: blob.size, to: repository)
                    outcome = .uploaded
                }
            }
            options.report(.blob(platform: platform, digest: digest, size: size, outcome: outcome))
            return (digest, outcome == .uploaded, outcome == .uploaded ? size : 0)
        }
        var pushed: [Digest: Bool] = [:]
        var bytes: Int64 = 0
        for (digest, sent, size) in outcomes {
            pushed[digest] = sent
            bytes += size
        }
        do {
            let config = image.image.config
            if try await !client.blobExists(config.digest, in: repository) {
                try await client.uploadBlob(config.bytes, mediaType: config.mediaType, to: repository)
                bytes += config.size
            }
            let manifest = image.image.manifest
            try await client.putManifest(manifest.bytes, mediaType: manifest.mediaType, to: destination)
            bytes += manifest.size
        } catch {
            throw BuildError(.registry, "pushing \(destination): \(error.description)")
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
            python: image.base.python.version, layers: layers, bytesPushed: bytes)
    }
}
