import Foundation
import Logging
import OCI

/// Copies an image — a single manifest or a whole index — from one repository to another, possibly on another
/// registry, the way `skopeo copy docker://… docker://…` does, with these guarantees:
///
/// - Blobs the destination already has are not sent (`HEAD` first); on the same registry host they are mounted
///   from the source repository (`POST ?mount=&from=`) instead of copied.
/// - Other blobs stream source → temporary file (digest and size verified while downloading) → destination
///   (monolithic upload), at most ``concurrency`` at a time.
/// - Blobs first, then child manifests by digest, then the destination tag **last**: a failure at any point never
///   leaves the tag pointing at an incomplete image.
/// - Manifests are pushed as the exact bytes the source served, so digests are preserved.
public struct ImageCopier: Sendable {
    /// The client that talks to both registries.
    public let client: RegistryClient
    /// How many blobs are copied at the same time.
    public let concurrency: Int
    /// Where the temporary blob files go (a private directory is created and removed below it); nil means
    /// `$TMPDIR` or `/tmp`.
    public let temporaryDirectory: String?
    let logger: Logger

    /// Creates a copier.
    ///
    /// - Parameters:
    ///   - client: the registry client (its configuration decides where references live).
    ///   - concurrency: blobs in flight at once (at least 1; default 4).
    ///   - temporaryDirectory: parent of the private scratch directory; nil uses `$TMPDIR` or `/tmp`.
    ///   - logger: receives one debug line per blob.
    public init(
        client: RegistryClient, concurrency: Int = 4, temporaryDirectory: String? = nil,
        logger: Logger = Logger(label: "imagespec.copy")
    ) {
        self.client = client
        self.concurrency = max(1, concurrency)
        self.temporaryDirectory = temporaryDirectory
        self.logger = logger
    }

    /// Copies `source` to the registry repository `destination`.
    ///
    /// - Parameters:
    ///   - source: what to copy (tag or digest).
    ///   - destination: where to; its tag is written last. A destination by digest must name the digest of the
    ///     manifest that is copied.
    ///   - platforms: ``PlatformSelection/all`` copies an index with every child; ``PlatformSelection/platform(_:)``
    ///     copies only that platform's image, which becomes the destination's manifest.
    /// - Returns: per manifest and per blob what was done.
    /// - Throws: ``RegistryError`` whose ``RegistryError/side`` says whether reading the source or writing the
    ///   destination failed; nothing is tagged at the destination when it is thrown.
    public func copy(
        from source: Reference, to destination: Reference, platforms: PlatformSelection = .all
    ) async throws(RegistryError) -> CopyReport {
        try await copy(from: source, to: RegistrySink(client: client, reference: destination), platforms: platforms)
    }

    /// Copies `source` to any ``ImageSink`` — a registry (``RegistrySink``), an OCI layout, a docker archive — with
    /// the same order and guarantees: blobs, then child manifests, then the top manifest last.
    public func copy(
        from source: Reference, to sink: some ImageSink, platforms: PlatformSelection = .all
    ) async throws(RegistryError) -> CopyReport {
        let plan: CopyPlan
        do throws(RegistryError) {
            plan = try await makePlan(source: source, selection: platforms)
        } catch {
            throw error.on(.source)
        }
        if let registry = sink as? RegistrySink, let wanted = registry.reference.digest, wanted != plan.top.raw.digest {
            throw RegistryError(
                kind: .digestMismatch,
                message: "\(registry.reference) names digest \(wanted), but \(source) (\(platforms)) is "
                    + "\(plan.top.raw.digest) — drop the digest from the destination or copy what it names",
                isTemporary: false
            ).on(.destination)
        }
        let blobs = try await copyBlobs(plan.blobs, from: source, to: sink)
        do throws(RegistryError) {
            return try await writeManifests(of: plan, from: source, to: sink, blobs: blobs)
        } catch {
            throw error.on(.destination)
        }
    }

    /// The child manifests by digest, then the top manifest (last).
    private func writeManifests(
        of plan: CopyPlan, from source: Reference, to sink: some ImageSink, blobs: [BlobCopyResult]
    ) async throws(RegistryError) -> CopyReport {
        var manifests: [ManifestCopyResult] = []
        for child in plan.children {
            var descriptor = child.raw.descriptor
            descriptor.platform = child.platform
            let stored = try await sink.putChild(child.raw.bytes, descriptor: descriptor)
            manifests.append(
                ManifestCopyResult(
                    digest: child.raw.digest, mediaType: child.raw.mediaType, size: child.raw.size,
                    platform: child.platform, pushedAs: stored))
            logger.debug("wrote manifest", metadata: ["digest": "\(child.raw.digest)"])
        }
        let top = plan.top.raw
        var descriptor = top.descriptor
        descriptor.platform = plan.top.platform
        let stored = try await sink.putTop(top.bytes, descriptor: descriptor)
        manifests.append(
            ManifestCopyResult(
                digest: top.digest, mediaType: top.mediaType, size: top.size, platform: plan.top.platform,
                pushedAs: stored))
        logger.debug("wrote top manifest", metadata: ["destination": "\(sink)", "digest": "\(top.digest)"])
        return CopyReport(
            source: source, destination: sink.description, pinnedDestination: sink.pinned(to: top.digest),
            sourceDigest: plan.sourceDigest, digest: top.digest, mediaType: top.mediaType, manifests: manifests,
            blobs: blobs)
    }
}
