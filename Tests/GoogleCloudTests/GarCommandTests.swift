import Foundation
import TestSupport
import Testing

/// `imagespec gar create-repository`, `imagespec auth whoami` and bad input at the command line: one line, exit 2,
/// no secret.
@Suite("GAR commands and bad input", .serialized)
struct GarCommandTests {
    @Test("gar create-repository creates through the API (operation polled), then says it exists already")
    func createRepositoryCommand() async throws {
        let token = "ya29.create-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(accounts: [
            .init(
                username: "oauth2accesstoken", password: token,
                grants: [.project(GarScenario.project, actions: ["pull", "push", "create"])])
        ])
        defer { scenario.stop() }
        // Only `gcloud auth configure-docker` is set up: the helper's access token serves the API too.
        try scenario.installGcloudHelper(secret: token)
        try scenario.writeDockerConfig(#"{"credHelpers":{"\#(GarScenario.garHost)":"gcloud"}}"#)
        let path = "\(GarScenario.garHost)/\(GarScenario.project)/\(GarScenario.repository)"
        let created = try await scenario.run(
            ["gar", "create-repository", path, "--description", "Flyte images", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: created.stdoutData) as? [String: Any])
        #expect(report["created"] as? Bool == true)
        #expect(
            report["repository"] as? String == "projects/my-union-dataplane/locations/us-east1/repositories/my-registry"
        )
        #expect(scenario.gar.repositories(of: GarScenario.project) == [GarScenario.repository])
        let log = scenario.gar.registry.tokenLog()
        #expect(log.contains("\"operation\": \"projects/my-union-dataplane/locations/us-east1/operations/"))
        #expect(log.contains("\"done\": false") && log.contains("\"done\": true"), "the operation was polled")

        let again = try await scenario.run(["gar", "create-repository", path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(
            again.stdout
                == "\(path): already exists (projects/my-union-dataplane/locations/us-east1/repositories/my-registry)\n"
        )
        #expect(!(created.stdout + created.stderr + again.stdout + again.stderr).contains(token))
    }

    @Test(
        "bad paths are refused before any network call, in one line",
        arguments: [
            ("us-west1-c-docker.pkg.dev/my-project/repo", "is a zone, not an Artifact Registry location"),
            (
                "us-east1-docker.pkg.dev/example.com:my-project/repo",
                "a domain-scoped project ID is written example.com/my-project"
            ),
            ("us-east1-docker.pkg.dev/my-project", "no repository and no image"),
            ("ghcr.io/acme/repo", "is not a Google Artifact Registry host"),
        ])
    func badPaths(_ path: String, _ expected: String) async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let home = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = [
            "HOME": home, "PATH": home, "CLOUDSDK_API_ENDPOINT_OVERRIDES_ARTIFACTREGISTRY": "http://127.0.0.1:9/",
        ]
        let result = try await ExternalTool.runAsync(
            binary, ["gar", "create-repository", path], environment: environment, inheritEnvironment: false)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("127.0.0.1:9"), "no network call was made")
    }

    @Test("zone in a build's registry, malformed key file, revoked login, hanging metadata server: one line each")
    func badCredentialsAndLocations() async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = ["HOME": directory, "PATH": directory, "CLOUDSDK_CONFIG": directory + "/gcloud"]
        func run(_ arguments: [String], _ extra: [String: String]) async throws -> ToolResult {
            try await ExternalTool.runAsync(
                binary, arguments, environment: base.merging(extra) { $1 }, inheritEnvironment: false,
                timeout: .seconds(60))
        }

        // A zone as location: whoami refuses the host itself.
        let zone = try await run(["auth", "whoami", "us-west1-c-docker.pkg.dev"], [:])
        #expect(zone.status == 2)
        #expect(zone.stderr.contains("\"us-west1-c\" is a zone") && zone.stderr.contains("us-west1-docker.pkg.dev"))

        // A key file whose private key is damaged: names the file, never the key material.
        let account = try TestServiceAccount()
        let damaged = directory + "/damaged-key.json"
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "client_email": account.email,
            "private_key": "-----BEGIN PRIVATE KEY-----\n"
                + account.secretLines.prefix(4).joined(separator: "\n") + "\n-----END PRIVATE KEY-----\n",
        ]).write(to: URL(fileURLWithPath: damaged))
        let malformed = try await run(
            ["auth", "whoami", "us-east1-docker.pkg.dev"], ["GOOGLE_APPLICATION_CREDENTIALS": damaged])
        #expect(malformed.status == 2)
        #expect(malformed.stderr.split(separator: "\n").count == 1)
        #expect(malformed.stderr.contains("damaged-key.json: private_key is not a PEM RSA private key"))

        // A revoked application-default login: refreshed once, then a clear error naming the fix.
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(user: user)
        oauth.revoke()
        try FileManager.default.createDirectory(atPath: directory + "/gcloud", withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: [
            "type": "authorized_user", "client_id": user.clientID, "client_secret": user.clientSecret,
            "refresh_token": user.refreshToken, "token_uri": oauth.tokenURI,
        ]).write(to: URL(fileURLWithPath: directory + "/gcloud/application_default_credentials.json"))
        let revoked = try await run(["auth", "whoami", "us-east1-docker.pkg.dev"], [:])
        #expect(revoked.status == 2)
        #expect(revoked.stderr.split(separator: "\n").count == 1)
        #expect(revoked.stderr.contains("Google refused the credentials"))
        #expect(revoked.stderr.contains("gcloud auth application-default login"))
        #expect(oauth.requestCount == 1)
        await oauth.shutdown()
        try FileManager.default.removeItem(atPath: directory + "/gcloud/application_default_credentials.json")

        // A metadata server that accepts the connection and never answers: bounded.
        let hanging = try await FakeHTTPServer.start { _ in
            try? await Task.sleep(for: .seconds(8))  // longer than the 3 s bound
            return .json(200, "{}")
        }
        let started = ContinuousClock.now
        let hung = try await run(["auth", "whoami", "us-east1-docker.pkg.dev"], ["GCE_METADATA_HOST": hanging.host])
        let elapsed = ContinuousClock.now - started
        #expect(hung.status == 2)
        #expect(hung.stderr.contains("metadata server \(hanging.host): no answer"), "\(hung.stderr)")
        #expect(elapsed < .seconds(20))
        await hanging.shutdown()

        let secrets = account.secretLines + [user.clientSecret, user.refreshToken]
        let everything = [zone, malformed, revoked, hung].map { $0.stdout + $0.stderr }.joined()
        #expect(secrets.allSatisfy { !everything.contains($0) })
    }
}
