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

    /// Copies `source` to `destination`.
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
        let plan: CopyPlan
        do throws(RegistryError) {
            plan = try await makePlan(source: source, selection: platforms)
        } catch {
            throw error.on(.source)
        }
        if let wanted = destination.digest, wanted != plan.top.raw.digest {
            throw RegistryError(
                kind: .digestMismatch,
                message: "\(destination) names digest \(wanted), but \(source) (\(platforms)) is "
                    + "\(plan.top.raw.digest) — drop the digest from the destination or copy what it names",
                isTemporary: false
            ).on(.destination)
        }
        let blobs = try await copyBlobs(plan.blobs, from: source, to: destination)
        do throws(RegistryError) {
            return try await pushManifests(of: plan, from: source, to: destination, blobs: blobs)
        } catch {
            throw error.on(.destination)
        }
    }

    /// The child manifests by digest, then the top manifest under the destination tag (last).
    private func pushManifests(
        of plan: CopyPlan, from source: Reference, to destination: Reference, blobs: [BlobCopyResult]
    ) async throws(RegistryError) -> CopyReport {
        var manifests: [ManifestCopyResult] = []
        for child in plan.children {
            try await client.putManifest(child.raw, to: destination.pinned(to: child.raw.digest))
            manifests.append(
                ManifestCopyResult(
                    digest: child.raw.digest, mediaType: child.raw.mediaType, size: child.raw.size,
                    platform: child.platform, pushedAs: child.raw.digest.description))
            logger.debug("pushed manifest", metadata: ["digest": "\(child.raw.digest)"])
        }
        let top = plan.top.raw
        let target = destination.tag.map { _ in destination } ?? destination.pinned(to: top.digest)
        try await client.putManifest(top, to: target)
        manifests.append(
            ManifestCopyResult(
                digest: top.digest, mediaType: top.mediaType, size: top.size, platform: plan.top.platform,
                pushedAs: destination.tag ?? top.digest.description))
        logger.debug("pushed top manifest", metadata: ["reference": "\(target)", "digest": "\(top.digest)"])
        return CopyReport(
            source: source, destination: destination, sourceDigest: plan.sourceDigest, digest: top.digest,
            mediaType: top.mediaType, manifests: manifests, blobs: blobs)
    }
}
