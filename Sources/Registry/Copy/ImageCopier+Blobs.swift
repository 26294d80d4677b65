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
        _ blobs: [Descriptor], from source: Reference, to sink: some ImageSink
    ) async throws(RegistryError) -> [BlobCopyResult] {
        guard !blobs.isEmpty else { return [] }
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let copier = self
        return try await Self.boundedMap(blobs, limit: concurrency) {
            (blob) async throws(RegistryError) -> BlobCopyResult in
            try await copier.copyBlob(blob, from: source, to: sink, scratch: scratch)
        }
    }

    /// One blob, with the sink's ``ImageSink/ensureBlob(_:from:)`` (for a registry
    /// ``RegistryClient/ensureBlob(_:in:from:)``): skipped when present, mounted when possible,
    /// else downloaded (verified) into `scratch` and uploaded. Errors are marked with the side they came from.
    func copyBlob(
        _ blob: Descriptor, from source: Reference, to sink: some ImageSink, scratch: String
    ) async throws(RegistryError) -> BlobCopyResult {
        let path = scratch + "/" + blob.digest.algorithm + "-" + blob.digest.encoded
        defer { unlink(path) }
        let client = self.client
        let placement: BlobPlacement
        do throws(RegistryError) {
            placement = try await sink.ensureBlob(
                blob,
                from: .repository(source) { () async throws(RegistryError) -> String in
                    do throws(RegistryError) {
                        try await client.downloadBlob(blob.digest, from: source, to: path, size: blob.size)
                    } catch {
                        throw error.on(.source)
                    }
                    return path
                })
        } catch {
            throw error.on(.destination)
        }
        let action: BlobCopyResult.Action =
            switch placement {
            case .existed: .skipped
            case .mounted: .mounted
            case .uploaded: .uploaded
            case .foreign: .foreign
            }
        logger.debug("blob \(action)", metadata: ["digest": "\(blob.digest)", "size": "\(blob.size)"])
        return BlobCopyResult(digest: blob.digest, mediaType: blob.mediaType, size: blob.size, action: action)
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
