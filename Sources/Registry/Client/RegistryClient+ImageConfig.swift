import Foundation
import OCI

extension RegistryClient {
    /// The image configuration `manifest` names, fetched from `repository` (digest verified) and decoded.
    ///
    /// - Throws: ``RegistryError``; of kind ``RegistryError/Kind/invalidResponse`` when the manifest's config is
    ///   not an image configuration (another media type, or bytes that do not decode as one).
    public func imageConfig(of manifest: ImageManifest, in repository: Reference) async throws(RegistryError)
        -> ImageConfig
    {
        let descriptor = manifest.config
        guard MediaType.isConfig(descriptor.mediaType) else {
            throw RegistryError(
                kind: .invalidResponse,
                message: "\(repository): config \(descriptor.digest) has media type \(descriptor.mediaType), not an "
                    + "image configuration",
                isTemporary: false)
        }
        let bytes = try await getBlob(descriptor.digest, from: repository)
        do {
            return try JSONDecoder().decode(ImageConfig.self, from: bytes)
        } catch {
            throw RegistryError(
                kind: .invalidResponse,
                message: "\(repository): config blob \(descriptor.digest) is not a valid image configuration "
                    + "(\(error))",
                isTemporary: false)
        }
    }
}
