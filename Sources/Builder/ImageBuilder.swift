import Foundation
import Layers
import OCI
import Registry

/// Builds ImageSpec images without a container engine: resolve the base, install wheels with uv for the image's
/// platform, split them into reproducible layers (through the layer cache), assemble config and manifest, and
/// publish to a registry, an OCI layout or a docker-archive.
///
/// ```swift
/// let builder = ImageBuilder(client: client, options: try BuildOptions())
/// let report = try await builder.run(plan, destination: .registry(plan.target!))
/// ```
public struct ImageBuilder: Sendable {
    /// The registry client (base pulls, pushes, the exists check).
    public let client: RegistryClient
    /// Build options.
    public let options: BuildOptions
    /// The local layer cache (blobs of new layers and of downloaded base layers).
    public let cache: LayerCache

    /// Creates a builder.
    public init(client: RegistryClient, options: BuildOptions) {
        self.client = client
        self.options = options
        self.cache = LayerCache(root: options.cacheRoot)
    }

    /// The exists short-circuit and the build: when `destination` is a registry, the image already exists there and
    /// `force` is false, returns a report with `skipped` set after one manifest HEAD; otherwise builds and
    /// publishes. A registry error during the check is an error, never "assume it exists". For a registry, each
    /// blob is pushed as soon as it is ready (base layers right after the base is resolved, every new layer as soon
    /// as it is compressed, while others still are); the manifest follows once all of its blobs are there.
    public func run(_ plan: BuildPlan, destination: BuildDestination, force: Bool = false)
        async throws(BuildError) -> BuildReport
    {
        var pushChecked = false
        if case .registry(let reference) = destination, !force {
            let existing: Descriptor?
            do {
                existing = try await client.headManifest(reference)
            } catch {
                // Refused (no permission, missing repository): the push-access check explains why — or fixes it,
                // when it may create the repository — and then the check is asked once more.
                guard error.isAuthenticationFailure || error.codes.contains("NAME_UNKNOWN") else {
                    throw BuildError(
                        .registry, "checking whether \(reference) exists: \(error.description)", cause: error)
                }
                try await checkPushAccess(to: reference)
                pushChecked = true
                do {
                    existing = try await client.headManifest(reference)
                } catch {
                    throw BuildError(
                        .registry, "checking whether \(reference) exists: \(error.description)", cause: error)
                }
            }
            if let existing {
                return BuildReport(
                    image: reference.description, digest: existing.digest.description, skipped: true,
                    destination: destination.description, platforms: [])
            }
        }
        let publisher = Publisher(client: client, options: options, cache: cache)
        guard case .registry(let reference) = destination else {
            return try await publisher.publish(try await build(plan), plan: plan, to: destination)
        }
        if !pushChecked {
            try await checkPushAccess(to: reference)
        }
        // Blobs go to the registry while the build still runs (each layer as soon as it is compressed); the
        // manifests follow once every blob is there.
        let queue = BlobPushQueue(
            client: client, repository: reference, store: BlobStore(directory: cache.blobsDirectory),
            limit: options.concurrency, options: options)
        let images = try await queue.pushing { [self] in try await build(plan, queue: queue) }
        return try await publisher.push(images, to: reference, outcomes: queue.outcomes)
    }

    /// Runs ``BuildOptions/preflight`` (default: the POST+DELETE upload probe) so a refused push fails before any
    /// build work.
    func checkPushAccess(to reference: Reference) async throws(BuildError) {
        do {
            if let preflight = options.preflight {
                try await preflight(reference, client)
            } else {
                try await client.checkPushAccess(to: reference)
            }
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(
                .registry, "\(reference) does not accept a push: \(error)", cause: error as? any Error & Sendable)
        }
    }

    /// Builds the image for every platform of `plan` (nothing is written outside the layer cache).
    public func build(_ plan: BuildPlan) async throws(BuildError) -> [BuiltImage] {
        try await build(plan, queue: nil)
    }

    /// Builds every platform, offering each blob to `queue` (when given) as soon as it is ready.
    func build(_ plan: BuildPlan, queue: BlobPushQueue?) async throws(BuildError) -> [BuiltImage] {
        let baseReference: Reference
        do {
            baseReference = try Reference(plan.baseImage)
        } catch {
            throw BuildError(.invalidSpec, "base_image \"\(plan.baseImage)\": \(error)")
        }
        try Self.checkRunPrerequisites(plan)
        let installer = try PythonInstaller(
            executable: options.uvExecutable, searchFirst: options.uvSearchDirectories, environment: options.environment
        )
        var images: [BuiltImage] = []
        for platform in plan.platforms {
            images.append(
                try await build(plan, platform: platform, base: baseReference, installer: installer, queue: queue))
        }
        return images
    }

    /// A fresh directory `<cache>/tmp/build.<pid>-<pid namespace>.XXXXXX` (same filesystem as uv's and the layer cache, when they
    /// share a disk). Leftovers of killed builds are removed first (``ScratchSweeper``).
    func makeScratchDirectory() throws(BuildError) -> String {
        let parent = options.cacheRoot + "/tmp"
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.io, "cannot create \(parent): \(error.localizedDescription) — check the cache directory")
        }
        ScratchSweeper.sweep(parent)
        var template = Array("\(parent)/\(ScratchSweeper.prefix)\(ScratchSweeper.ownerTag).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw BuildError(.io, "cannot create a build directory in \(parent): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
