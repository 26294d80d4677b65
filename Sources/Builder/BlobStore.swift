import Foundation
import OCI
import Registry

/// Base-image blobs kept on disk next to the layer cache's blobs (`<directory>/sha256/<hex>`), downloaded once.
struct BlobStore: Sendable {
    /// The blobs directory (the layer cache's).
    let directory: String

    /// The path of `descriptor`'s blob, downloading it from `repository` when it is not there yet.
    func fetch(_ descriptor: Descriptor, from repository: Reference, client: RegistryClient)
        async throws(BuildError) -> String
    {
        do throws(RegistryError) {
            return try await download(descriptor, from: repository, client: client)
        } catch {
            throw BuildError(
                .registry, "downloading \(descriptor.digest) of \(repository): \(error.description)", cause: error)
        }
    }

    /// ``fetch(_:from:client:)`` with the registry client's error.
    func download(_ descriptor: Descriptor, from repository: Reference, client: RegistryClient)
        async throws(RegistryError) -> String
    {
        let path = "\(directory)/\(descriptor.digest.algorithm)/\(descriptor.digest.encoded)"
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            (attributes[.size] as? NSNumber)?.int64Value == descriptor.size
        {
            return path
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw RegistryError.io(
                path: directory, operation: "create the directory", reason: error.localizedDescription)
        }
        try await client.downloadBlob(descriptor.digest, from: repository, to: path, size: descriptor.size)
        return path
    }
}
