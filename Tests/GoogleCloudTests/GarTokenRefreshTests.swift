import Foundation
import GoogleCloud
import OCI
import Registry
import TestSupport
import Testing

/// A long push outlives the Google access token: the registry client asks the credential provider once more when
/// the token endpoint refuses the cached one, and reports a revoked login in one line.
@Suite("GAR token refresh during a push")
struct GarTokenRefreshTests {
    @Test("expired access token: renewed once from ADC mid-push; revoked: one clear line")
    func renewsExpiredAccessToken() async throws {
        let first = "ya29.first-\(UUID().uuidString)"
        let second = "ya29.second-\(UUID().uuidString)"
        let account = try TestServiceAccount()
        let oauth = try await OAuthEmulator.start(serviceAccount: account, accessToken: first)
        // 62 s lifetime: with the provider's 60 s margin the token counts as expired after 2 s.
        oauth.setExpiresIn(62)
        func config(_ token: String) -> TokenServerConfig {
            TokenServerConfig(
                accounts: [.init(username: "oauth2accesstoken", password: token, grants: [.project("test-project")])],
                projects: ["test-project": ["created-repo"]], tokenTTL: 2)
        }
        let registry = try await RegistryFixture.start(auth: .token, tokenConfig: config(first))
        defer { registry.stop() }
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let keyPath = try account.write(tokenURI: oauth.tokenURI, in: home)
        let output = LogCapture()
        let provider = GoogleCredentialProvider(
            environment: ["HOME": home, "PATH": home, "GOOGLE_APPLICATION_CREDENTIALS": keyPath],
            additionalHosts: [registry.host], logger: output.logger)
        let client = RegistryClient(
            credentials: provider, configuration: RegistriesConfiguration(), logger: output.logger)
        let reference = try Reference("\(registry.host)/test-project/created-repo/img:1")

        try await client.uploadBlob(Data("one".utf8), to: reference)
        // Google rotates the token; the old one stops working at the registry's token endpoint.
        try registry.updateTokenConfig(config(second))
        oauth.setAccessToken(second)
        try await Task.sleep(for: .seconds(3))
        try await client.uploadBlob(Data("two".utf8), to: reference)
        #expect(oauth.issued == [first, second])
        #expect(try await client.blobExists(Digest.sha256(Data("two".utf8)), in: reference))

        // Revoked: the renewal is refused by Google itself — one line naming the fix.
        oauth.revoke()
        try registry.updateTokenConfig(config("ya29.nobody"))
        try await Task.sleep(for: .seconds(3))
        let error = await #expect(throws: RegistryError.self) {
            try await client.uploadBlob(Data("three".utf8), to: reference)
        }
        #expect(error?.description.contains("Google refused the credentials") == true, "\(error.map { "\($0)" } ?? "")")
        #expect(error?.description.contains("\n") == false)
        if let error { output.record(error.description) }
        #expect(output.leaked([first, second] + account.secretLines).isEmpty)
        await oauth.shutdown()
    }
}
