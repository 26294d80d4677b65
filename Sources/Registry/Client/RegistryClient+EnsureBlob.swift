import Foundation
import OCI

extension RegistryClient {
    /// Makes sure the push location of `repository` has the blob `descriptor` names — the one way blobs are put
    /// into a repository (``ImageCopier`` and the image builder both use it).
    ///
    /// In order: a foreign layer is left alone (``BlobPlacement/foreign``); a blob the repository has is not sent
    /// (`HEAD`, ``BlobPlacement/existed``); a ``BlobSource/repository(_:fetch:)`` source on the same registry host
    /// is mounted (``BlobPlacement/mounted``) — a mount the registry declines *or fails* (Quay without `from`,
    /// Docker Hub across origins, a token server refusing the source scope) falls back to the upload, where a real
    /// permission problem shows up again; anything else is uploaded monolithically (``BlobPlacement/uploaded``).
    ///
    /// - Throws: ``RegistryError``; errors of the source's `fetch` are passed on as they are.
    public func ensureBlob(_ descriptor: Descriptor, in repository: Reference, from source: BlobSource)
        async throws(RegistryError) -> BlobPlacement
    {
        if descriptor.isForeignLayer { return .foreign }
        let digest = descriptor.digest
        if try await blobExists(digest, in: repository) { return .existed }
        switch source {
        case .file(let path):
            try await uploadBlob(from: path, digest: digest, size: descriptor.size, to: repository)
        case .data(let data):
            let actual = digest.recompute(data)
            guard actual == digest, Int64(data.count) == descriptor.size else {
                throw RegistryError(
                    kind: .digestMismatch,
                    message: "the bytes given for blob \(digest) (\(data.count) bytes) have digest \(actual), "
                        + "their descriptor says \(digest) (\(descriptor.size) bytes)",
                    isTemporary: false)
            }
            try await upload(.data(data), digest: digest, to: try resolve(repository).primary)
        case .repository(let origin, let fetch):
            if try await mountIfPossible(digest, from: origin, to: repository) { return .mounted }
            let path = try await fetch()
            try await uploadBlob(from: path, digest: digest, size: descriptor.size, to: repository)
        }
        return .uploaded
    }

    /// Mounts `digest` from `origin` when it is another repository on the same registry host; false when it is
    /// not, or the registry declined or failed the mount (logged; only cancellation is thrown).
    func mountIfPossible(_ digest: Digest, from origin: Reference, to repository: Reference)
        async throws(RegistryError) -> Bool
    {
        let from = try resolve(origin).primary
        let to = try resolve(repository).primary
        guard from.baseURL == to.baseURL, from.repository != to.repository else { return false }
        do throws(RegistryError) {
            return try await mountBlob(digest, from: origin, to: repository)
        } catch {
            if error.kind == .cancelled { throw error }
            logger.debug("mount failed, uploading instead", metadata: ["digest": "\(digest)", "error": "\(error)"])
            return false
        }
    }
}
