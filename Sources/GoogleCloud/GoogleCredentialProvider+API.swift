import Foundation
import OCI
import Registry

extension GoogleCredentialProvider {
    /// User names of docker credentials whose password is a Google OAuth2 access token (what
    /// `docker-credential-gcloud`, `docker-credential-gcr` and `gcloud auth print-access-token | docker login`
    /// produce): usable as a bearer token for Google APIs too.
    static func isAccessTokenUsername(_ username: String) -> Bool {
        username == "oauth2accesstoken" || username == "_token" || username == "_dcgcloud_token"
            || (username.hasPrefix("_dcgcr_") && username.hasSuffix("_token"))
    }

    /// A Google OAuth2 access token for the Artifact Registry API: Application Default Credentials first; when
    /// those are not configured (no file, not on GCE/GKE), the docker credential of the first of `hosts` that has an
    /// access token (a `docker-credential-gcloud` helper answer, an `oauth2accesstoken` login).
    ///
    /// - Throws: ``GoogleCloudError`` when ADC is configured but fails, or nothing gives a token (with the fix).
    public func apiAccessToken(hosts: [String]) async throws(GoogleCloudError) -> String {
        if let token = try await tokens.accessToken(allowAnonymous: true) {
            return token.value
        }
        var failure: (host: String, error: RegistryError)?
        for host in hosts {
            let credential: Credential?
            do throws(RegistryError) {
                credential = try await inner.credential(for: host)
            } catch {
                // A broken credential helper is not "no credentials": remember it for the message.
                logger.debug("docker credential failed", metadata: ["host": "\(host)", "error": "\(error)"])
                failure = failure ?? (host, error)
                continue
            }
            guard case .basic(let username, let password)? = credential,
                Self.isAccessTokenUsername(username), !password.isEmpty
            else { continue }
            logger.debug("using the docker credential's access token for the API", metadata: ["host": "\(host)"])
            return password
        }
        if let failure {
            throw GoogleCloudError(
                "no Google credentials for the Artifact Registry API: the docker credential for \(failure.host) "
                    + "failed (\(failure.error.message)) — fix that credential helper, run `gcloud auth "
                    + "application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key")
        }
        throw GoogleCloudError(
            "no Google credentials for the Artifact Registry API — run `gcloud auth application-default login`, set "
                + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key, or `gcloud auth configure-docker "
                + "\(hosts.first ?? "LOCATION-docker.pkg.dev")`")
    }
}

extension GoogleCredentialProvider {
    /// The hosts `configuration` sends Google names to (every `[[registry]]` prefix that names a Google host is
    /// resolved), for ``additionalHosts`` when the references are not known in advance.
    public static func mappedGoogleHosts(configuration: RegistriesConfiguration) -> Set<String> {
        let references = configuration.prefixes.compactMap { prefix -> Reference? in
            let value = prefix.lowercased()
            let host = value.split(separator: "/").first.map(String.init) ?? ""
            guard !host.isEmpty, ArtifactRegistryHost.isGoogleHost(host) else { return nil }
            return try? Reference(value + "/imagespec/probe/image:latest")
        }
        return mappedGoogleHosts(for: references, configuration: configuration)
    }
}
