import Foundation
import OCI

extension RegistryClient {
    /// Checks, before any expensive work, that `reference`'s repository accepts a push with the configured
    /// credentials: the portable probe every registry understands.
    ///
    /// `POST /v2/<name>/blobs/uploads/` with a push-scoped token opens an upload session (202 + `Location`); the
    /// session is then cancelled with `DELETE <Location>`. A failing DELETE is only logged at debug level: an open
    /// session expires on the registry by itself. Goes to the primary (push) endpoint of `reference`. The POST is
    /// retried per the client's ``RetryPolicy`` like every other request (a 503 or a reset is not an answer).
    ///
    /// - Throws: the ``RegistryError`` of the POST as it is (401/403 `UNAUTHORIZED`/`DENIED`, 404 `NAME_UNKNOWN`,
    ///   network errors …), so callers can translate registry-specific answers (Artifact Registry's) further.
    public func checkPushAccess(to reference: Reference) async throws(RegistryError) {
        let endpoint = try resolve(reference).primary
        let session = try await transport.withRetries { () async throws(RegistryError) in
            try await self.startUpload(at: endpoint)
        }
        let request = RegistryRequest(
            .DELETE, session.location, endpoint: endpoint, scopes: Self.pushScopes(endpoint), retries: false)
        do {
            _ = try await transport.fetch(request, accepted: [200, 202, 204], limit: 64 * 1024)
        } catch {
            logger.debug(
                "cancelling the preflight upload session failed (it expires by itself)",
                metadata: ["error": "\(error)"])
        }
    }
}

extension RegistryClient {
    /// Forgets cached bearer tokens and credentials, so the next request asks the credential provider and the
    /// token endpoint again: call it after permissions changed (a repository was created, access was granted).
    public func forgetCachedAuthentication() async {
        await transport.authenticator.forgetCachedAuthentication()
    }
}
