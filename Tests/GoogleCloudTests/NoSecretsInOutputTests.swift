import Foundation
import GoogleCloud
import Registry
import TestSupport
import Testing

@Suite("No secret in any output")
struct NoSecretsInOutputTests {
    /// Runs every credential flow (success, expiry, revocation, bad keys, whoami) with a trace-level logger, records
    /// every error description and description shown to a person, then greps all of it for the test secrets.
    @Test func everyErrorAndLogLineIsFreeOfSecrets() async throws {
        let output = LogCapture()
        let account = try TestServiceAccount()
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(serviceAccount: account, user: user)
        let home = try makeTemporaryDirectory()
        let keyPath = try account.write(tokenURI: oauth.tokenURI, in: home)
        let userPath = try user.write(in: home)

        func attempt(_ body: () async throws -> Void) async {
            do { try await body() } catch { output.record("\(error)") }
        }

        // Service account through the provider: credential, whoami, then revoked.
        let provider = GoogleCredentialProvider(
            environment: ["HOME": home, "PATH": "/usr/bin:/bin", "GOOGLE_APPLICATION_CREDENTIALS": keyPath],
            logger: output.logger)
        await attempt {
            output.record("\(try await provider.credential(for: "us-east1-docker.pkg.dev") as Any)")
            output.record("\(try await provider.whoami(host: "us-east1-docker.pkg.dev"))")
        }
        let serviceAccount = try GoogleCredentials.load(path: keyPath)
        output.record("\(serviceAccount)")
        oauth.setExpiresIn(1)
        let saTokens = AccessTokenProvider(credentials: serviceAccount, logger: output.logger)
        await attempt { output.record("\(try await saTokens.accessToken())") }
        oauth.revoke()
        await attempt { _ = try await saTokens.accessToken() }

        // Authorized user, revoked: refresh once, then the error.
        let userTokens = AccessTokenProvider(
            credentials: try GoogleCredentials.load(path: userPath, tokenURIOverride: oauth.tokenURI),
            logger: output.logger)
        await attempt { _ = try await userTokens.accessToken() }
        let userProvider = GoogleCredentialProvider(
            environment: ["HOME": home, "PATH": "/usr/bin:/bin", "CLOUDSDK_CONFIG": home],
            tokenURIOverride: oauth.tokenURI, logger: output.logger)
        await attempt { _ = try await userProvider.credential(for: "gcr.io") }

        // A key file whose PEM is damaged (half the lines missing), and one with a secret next to a bad type.
        let damaged = account.secretLines.prefix(5).joined(separator: "\n")
        let badKeyPath = home + "/damaged.json"
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "client_email": account.email,
            "private_key": "-----BEGIN PRIVATE KEY-----\n\(damaged)\n-----END PRIVATE KEY-----\n",
        ]).write(to: URL(fileURLWithPath: badKeyPath))
        await attempt { _ = try GoogleCredentials.load(path: badKeyPath) }
        let badTypePath = home + "/bad-type.json"
        try JSONSerialization.data(withJSONObject: [
            "type": "impersonated_service_account", "client_secret": user.clientSecret,
            "refresh_token": user.refreshToken,
        ]).write(to: URL(fileURLWithPath: badTypePath))
        await attempt { _ = try GoogleCredentials.load(path: badTypePath) }

        await oauth.shutdown()

        let secrets = account.secretLines + oauth.issued + [user.refreshToken, user.clientSecret]
        // The flows above did produce output: errors for revocation and both bad files, and log lines.
        #expect(output.lines.filter { $0.contains("Google refused the credentials") }.count >= 2)
        #expect(output.lines.contains { $0.contains("damaged.json: private_key is not a PEM RSA private key") })
        #expect(output.lines.contains { $0.contains("\"impersonated_service_account\" is not supported") })
        #expect(output.lines.contains { $0.contains("requesting a Google access token") })
        #expect(oauth.issued.count >= 2)
        #expect(output.leaked(secrets).isEmpty, "leaked: \(output.leaked(secrets).count) secrets")
    }
}
