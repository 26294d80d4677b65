import OCI

extension RegistryClient {
    /// Resolves `reference` to the image manifest for `platform`.
    ///
    /// An index (or Docker manifest list) is searched with ``ImageIndex/manifest(for:)`` — attestation entries are
    /// skipped, `arm64` matches `arm64/v8` — and the chosen child is fetched by digest (and verified). A reference
    /// that names an image manifest is returned as it is; its platform is only known from its config.
    ///
    /// - Throws: ``RegistryError`` of kind ``RegistryError/Kind/notFound`` naming the platforms the index offers
    ///   when none matches.
    public func resolve(_ reference: Reference, platform: Platform) async throws(RegistryError) -> PlatformManifest {
        let top = try await getManifest(reference)
        switch top.value {
        case .image(let manifest):
            return PlatformManifest(
                reference: reference.pinned(to: top.digest), raw: top, manifest: manifest, index: nil)
        case .index(let index):
            guard let entry = index.manifest(for: platform) else {
                let offered = index.platforms.map(\.description)
                let list = offered.isEmpty ? "none listed" : offered.joined(separator: ", ")
                throw RegistryError(
                    kind: .notFound,
                    message: "\(reference) has no image for \(platform) (available: \(list)) — pick one of "
                        + "those platforms",
                    isTemporary: false)
            }
            let childReference = reference.pinned(to: entry.digest)
            let child = try await getManifest(childReference)
            guard case .image(let manifest) = child.value else {
                throw RegistryError(
                    kind: .invalidResponse,
                    message: "\(childReference), the \(platform) entry of \(reference), is an index, not an image",
                    isTemporary: false)
            }
            return PlatformManifest(reference: childReference, raw: child, manifest: manifest, index: top)
        }
    }
}
