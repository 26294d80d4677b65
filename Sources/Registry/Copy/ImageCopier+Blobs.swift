import Foundation
import OCI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ImageCopier {
    /// Copies `blobs` (distinct digests) at most ``concurrency`` at a time, through a private scratch directory that
    /// is removed afterwards.
    func copyBlobs(
        _ blobs: [Descriptor], from source: Reference, to destination: Reference
    ) async throws(RegistryError) -> [BlobCopyResult] {
        guard !blobs.isEmpty else { return [] }
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let mountable = try mayMount(from: source, to: destination)
        let copier = self
        return try await Self.boundedMap(blobs, limit: concurrency) {
            (blob) async throws(RegistryError) -> BlobCopyResult in
            try await copier.copyBlob(blob, from: source, to: destination, mount: mountable, scratch: scratch)
        }
    }

    /// One blob: skip when present, else mount when possible, else download (verified) and upload.
    func copyBlob(
        _ blob: Descriptor, from source: Reference, to destination: Reference, mount: Bool, scratch: String
    ) async throws(RegistryError) -> BlobCopyResult {
        func result(_ action: BlobCopyResult.Action) -> BlobCopyResult {
            logger.debug("blob \(action)", metadata: ["digest": "\(blob.digest)", "size": "\(blob.size)"])
            return BlobCopyResult(digest: blob.digest, mediaType: blob.mediaType, size: blob.size, action: action)
        }
        if Self.isForeign(blob) {
            return result(.foreign)
        }
        if try await client.blobExists(blob.digest, in: destination) {
            return result(.skipped)
        }
        if mount {
            do {
                if try await client.mountBlob(blob.digest, from: source, to: destination) {
                    return result(.mounted)
                }
            } catch {
                // Registries may refuse or break mounts (Quay without `from`, Docker Hub across origins); a plain
                // upload still works, and a real permission problem shows up again there.
                if error.kind == .cancelled { throw error }
                logger.debug("mount failed, uploading instead", metadata: ["error": "\(error)"])
            }
        }
        let path = scratch + "/" + blob.digest.algorithm + "-" + blob.digest.encoded
        defer { unlink(path) }
        try await client.downloadBlob(blob.digest, from: source, to: path, size: blob.size)
        try await client.uploadBlob(from: path, digest: blob.digest, size: blob.size, to: destination)
        return result(.uploaded)
    }

    /// True when source and destination resolve to the same registry host but different repositories.
    func mayMount(from source: Reference, to destination: Reference) throws(RegistryError) -> Bool {
        let from = try client.configuration.resolve(source).primary
        let to = try client.configuration.resolve(destination).primary
        return from.baseURL == to.baseURL && from.repository != to.repository
    }

    /// A non-distributable layer that lives at external URLs: never pushed to registries.
    static func isForeign(_ blob: Descriptor) -> Bool {
        guard let urls = blob.urls, !urls.isEmpty else { return false }
        let type = MediaType.essence(blob.mediaType)
        return type == MediaType.dockerForeignLayerGzip || type.contains(".nondistributable.")
    }

    /// Creates `<temporaryDirectory or $TMPDIR or /tmp>/imagespec-copy.XXXXXX`.
    func makeScratchDirectory() throws(RegistryError) -> String {
        let base =
            temporaryDirectory
            ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/imagespec-copy.XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard created else {
            throw RegistryError.io(
                path: base, operation: "create a temporary directory", reason: String(cString: strerror(errno)))
        }
        return String(cString: template)
    }
}
