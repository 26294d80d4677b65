import Foundation
import OCI
import Registry

/// A base image resolved for one platform: manifest, config and the Python inside.
public struct ResolvedBase: Sendable {
    /// The reference as given (tag form), for messages and annotations.
    public var reference: Reference
    /// The platform manifest, pinned by digest.
    public var platformManifest: PlatformManifest
    /// The base config.
    public var config: ImageConfig
    /// The Python inside.
    public var python: PythonTarget

    /// The base manifest.
    public var manifest: ImageManifest { platformManifest.manifest }

    /// Resolves `reference` for `platform` and finds its Python: the config's `PYTHON_VERSION`, else the layer
    /// listings (blobs downloaded into `blobsDirectory` and listed with `tar -t`).
    ///
    /// - Throws: ``BuildError`` naming the base when it cannot be pulled or has no Python.
    public static func resolve(
        _ reference: Reference, platform: Platform, client: RegistryClient, blobsDirectory: String
    ) async throws(BuildError) -> ResolvedBase {
        let platformManifest: PlatformManifest
        let config: ImageConfig
        do throws(RegistryError) {
            platformManifest = try await client.resolve(reference, platform: platform)
            config = try await client.imageConfig(
                of: platformManifest.manifest, in: platformManifest.reference)
        } catch {
            throw BuildError(.registry, "base image \(reference): \(error.description)", cause: error)
        }
        if !config.platform.matches(platform) && !platform.matches(config.platform) {
            throw BuildError(
                .invalidSpec,
                "base image \(reference) is \(config.platform), not \(platform) — pick a base image for \(platform)")
        }
        var python = PythonTarget.fromEnvironment(config.config?.env)
        if python == nil {
            python = try await probe(
                platformManifest, reference: reference, client: client, blobsDirectory: blobsDirectory)
        }
        guard let python else {
            throw BuildError(
                .baseWithoutPython,
                "base image \(reference) has no Python (no PYTHON_VERSION in its config, no usr/bin/python3.X or "
                    + "usr/local/bin/python3.X in its layers) — use a base image with python3, e.g. "
                    + "python:3.11-slim, or remove base_image")
        }
        return ResolvedBase(reference: reference, platformManifest: platformManifest, config: config, python: python)
    }

    /// Searches the layers, top first, for a `python3.X` interpreter.
    static func probe(
        _ platformManifest: PlatformManifest, reference: Reference, client: RegistryClient, blobsDirectory: String
    ) async throws(BuildError) -> PythonTarget? {
        for layer in platformManifest.manifest.layers.reversed() {
            let path = try await BlobStore(directory: blobsDirectory).fetch(
                layer, from: platformManifest.reference, client: client)
            let listing = try await TarListing.paths(of: path)
            if let found = PythonTarget.fromListing(listing) {
                return found
            }
        }
        return nil
    }
}
