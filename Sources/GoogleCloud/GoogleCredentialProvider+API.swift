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
        for host in hosts {
            guard case .basic(let username, let password)? = try? await inner.credential(for: host),
                Self.isAccessTokenUsername(username), !password.isEmpty
            else { continue }
            logger.debug("using the docker credential's access token for the API", metadata: ["host": "\(host)"])
            return password
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
