import AsyncHTTPClient
import Foundation
import Logging

/// The ADC token provider, made once on first use (finding the ADC reads files).
actor TokenSource {
    private let environment: [String: String]
    private let httpClient: HTTPClient
    private let metadataTimeout: Duration
    private let tokenURIOverride: String?
    private let logger: Logger
    private var provider: AccessTokenProvider?
    private var implicitMetadataUnavailable = false

    init(
        environment: [String: String], httpClient: HTTPClient, metadataTimeout: Duration, tokenURIOverride: String?,
        logger: Logger
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.metadataTimeout = metadataTimeout
        self.tokenURIOverride = tokenURIOverride
        self.logger = logger
    }

    private func resolved() throws(GoogleCloudError) -> AccessTokenProvider {
        if let provider { return provider }
        let credentials = try GoogleCredentials.find(environment: environment, tokenURIOverride: tokenURIOverride)
        let made = AccessTokenProvider(
            credentials: credentials, httpClient: httpClient, metadataTimeout: metadataTimeout, logger: logger)
        provider = made
        return made
    }

    /// A token; nil when only the implicit metadata server is left, it cannot be reached and `allowAnonymous`.
    func accessToken(allowAnonymous: Bool) async throws(GoogleCloudError) -> AccessToken? {
        let provider = try resolved()
        let implicitMetadata: Bool
        if case .metadataServer(_, let explicit) = provider.credentials {
            implicitMetadata = !explicit
        } else {
            implicitMetadata = false
        }
        // Not on GCE/GKE: ask the implicit metadata server once, not once per host.
        if implicitMetadata, implicitMetadataUnavailable, allowAnonymous { return nil }
        do {
            return try await provider.accessToken()
        } catch {
            if implicitMetadata, allowAnonymous {
                implicitMetadataUnavailable = true
                logger.debug("no metadata server: anonymous", metadata: ["error": "\(error)"])
                return nil
            }
            throw error
        }
    }

    func cachedValue() async -> String? {
        guard let provider else { return nil }
        return try? await provider.accessToken().value
    }

    func source() -> GoogleCredentialSource {
        switch provider?.credentials {
        case .serviceAccount(let key): .serviceAccount(email: key.clientEmail, keyFile: key.path)
        case .authorizedUser(let user): .authorizedUser(file: user.path)
        case .metadataServer(let host, _): .metadataServer(host: host)
        case nil: .anonymous
        }
    }
}
