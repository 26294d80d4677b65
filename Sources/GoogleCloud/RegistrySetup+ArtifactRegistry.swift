import OCI
import Registry

extension RegistrySetup {
    /// The Artifact Registry API root: gcloud's `CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY`, else Google's.
    public var artifactRegistryAPIBaseURL: String {
        ArtifactRegistryAPI.baseURL(environment: environment)
    }

    /// A push-access check for a build (assign it to the builder's `BuildOptions.preflight`): for Artifact Registry
    /// destinations the GAR-aware one (one-line ``GoogleCloudError`` explanation, optional repository creation);
    /// for other registries the plain upload probe.
    public func pushPreflight(createRepository: Bool)
        -> @Sendable (_ destination: Reference, _ client: RegistryClient) async throws -> Void
    {
        let preflight = ArtifactRegistryPreflight(
            credentials: credentials, apiBaseURL: artifactRegistryAPIBaseURL, createRepository: createRepository,
            repositoryDescription: "Images built by imagespec", logger: logger)
        return { reference, client in
            try await preflight.check(reference, client: client)
        }
    }

    /// The GAR-aware explanation for operations that never create a repository (`exists`, `copy`): it names
    /// `imagespec gar create-repository` as the fix for a missing repository.
    public var artifactRegistryExplainer: ArtifactRegistryPreflight {
        ArtifactRegistryPreflight(
            credentials: credentials, apiBaseURL: artifactRegistryAPIBaseURL, offersCreateFlag: false, logger: logger)
    }

    /// `error` as one Artifact Registry line when `reference` is a GAR path and the registry's answer is one of
    /// GAR's (missing repository, denied, unauthenticated); otherwise `error` unchanged.
    public func explained(
        _ error: any Error, reference: Reference, access: ArtifactRegistryPreflight.Access, client: RegistryClient
    ) async -> any Error {
        guard let registryError = error as? RegistryError,
            let line = await artifactRegistryExplainer.explain(
                registryError, reference: reference, access: access, client: client)
        else { return error }
        return line
    }

    /// A failed ``Registry/ImageCopier`` copy explained for the side it came from (``Registry/RegistryError/side``):
    /// a destination failure as a push to `destination`, anything else as a pull from `source`.
    public func explainedCopyFailure(
        _ error: RegistryError, source: Reference, destination: Reference, client: RegistryClient
    ) async -> any Error {
        let isDestination = error.side == .destination
        return await explained(
            error, reference: isDestination ? destination : source, access: isDestination ? .push : .pull,
            client: client)
    }

    /// The host a Google registry name is contacted at (registries.conf may send it elsewhere, e.g. a mirror).
    public func endpointHost(forGoogleHost host: String) -> String {
        guard let probe = try? Reference("\(host)/imagespec/probe/image:latest"),
            let resolved = try? configuration.resolve(probe)
        else { return host }
        return resolved.primary.host
    }
}
