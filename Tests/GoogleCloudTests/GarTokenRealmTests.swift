import Foundation
import GoogleCloud
import OCI
import Registry
import TestSupport
import Testing

/// Artifact Registry's token endpoint lives on the registry host itself (`https://HOST/v2/token`): a refusal there
/// is about the credentials (expired, revoked), not about the repository, even though its URL contains `/v2/`.
@Suite("GAR token endpoint refusals")
struct GarTokenRealmTests {
    @Test("a token endpoint at HOST/v2/token that refuses the access token: the credentials are named, not the repo")
    func refusedAtV2Token() async throws {
        let secret = "ya29.revoked-\(UUID().uuidString)"
        let server = try await FakeHTTPServer.start { request in
            let host = request.header("Host") ?? "127.0.0.1"
            if request.path == "/v2/token" {
                return .registryError(401, code: "UNAUTHORIZED", message: "authentication failed")
            }
            return .registryError(
                401, code: "UNAUTHORIZED", message: "authentication required",
                headers: [
                    (
                        "WWW-Authenticate",
                        "Bearer realm=\"http://\(host)/v2/token\",service=\"\(host)\","
                            + "scope=\"repository:my-union-dataplane/my-registry/img:pull\""
                    )
                ])
        }
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let auth = Data("oauth2accesstoken:\(secret)".utf8).base64EncodedString()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try #"{"auths":{"\#(server.host)":{"auth":"\#(auth)"}}}"#.write(
            toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
        let configuration = try RegistriesConfiguration(
            parsing: """
                [[registry]]
                prefix = "us-east1-docker.pkg.dev"
                location = "\(server.host)"
                """, path: home + "/registries.conf")
        let output = LogCapture()
        let provider = GoogleCredentialProvider(
            environment: [
                "HOME": home, "PATH": "/usr/bin:/bin", "DOCKER_CONFIG": home + "/.docker",
                "GCE_METADATA_IP": try GarEmulator.unreachableMetadataAddress(),
            ],
            additionalHosts: [server.host], logger: output.logger)
        let client = RegistryClient(credentials: provider, configuration: configuration, logger: output.logger)
        let reference = try Reference("us-east1-docker.pkg.dev/my-union-dataplane/my-registry/img:1")
        let error = await #expect(throws: RegistryError.self) { _ = try await client.headManifest(reference) }
        let registryError = try #require(error)
        #expect(registryError.url?.contains("/v2/token") == true, "\(registryError)")

        // The API is not reachable here (a closed port): the token endpoint's refusal alone must decide.
        let explainer = ArtifactRegistryPreflight(
            credentials: provider, apiBaseURL: "http://\(try GarEmulator.unreachableMetadataAddress())/",
            offersCreateFlag: false, logger: output.logger)
        let explained = await explainer.explain(registryError, reference: reference, access: .pull, client: client)
        let line = try #require(explained).message
        output.record(line)
        #expect(line.contains("(project my-union-dataplane, location us-east1, repository my-registry)"), "\(line)")
        #expect(line.contains("refused the credentials of"), "\(line)")
        #expect(line.contains("expired or revoked"))
        #expect(!line.contains("does not exist"))
        #expect(output.leaked([secret]).isEmpty)
        await server.shutdown()
    }
}
