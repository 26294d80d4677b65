import Foundation
import TestSupport
import Testing

/// The seed spec built and pushed with each credential source, through the `imagespec` binary: a
/// `docker-credential-gcloud` helper on the test's own PATH, a service-account key, a gcloud application-default
/// login, the metadata server. `auth whoami` names the source; no secret appears in any output, `--verbose` included.
@Suite("GAR credential sources", .serialized)
struct GarCredentialSourceTests {
    enum Source: String, CaseIterable, Sendable {
        case gcloudHelper, serviceAccount, authorizedUser, metadataServer
    }

    @Test(
        "build, push, whoami and exists with each credential source; no secret in any output",
        arguments: Source.allCases)
    func buildWith(_ source: Source) async throws {
        let token = "ya29.\(source.rawValue)-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(
            accounts: [.init(username: "oauth2accesstoken", password: token, grants: [.project(GarScenario.project)])],
            repositories: [GarScenario.repository])
        defer { scenario.stop() }
        var environment: [String: String] = [:]
        var secrets = [token]
        var expectedSource = ""
        var oauth: OAuthEmulator?
        var metadata: FakeHTTPServer?
        switch source {
        case .gcloudHelper:
            try scenario.installGcloudHelper(secret: token)
            try scenario.writeDockerConfig(
                #"{"credHelpers":{"\#(GarScenario.garHost)":"gcloud","\#(scenario.gar.host)":"gcloud"}}"#)
            expectedSource = "docker credential helper docker-credential-gcloud (configured in "
        case .serviceAccount:
            let account = try TestServiceAccount()
            let emulator = try await OAuthEmulator.start(serviceAccount: account, accessToken: token)
            oauth = emulator
            environment["GOOGLE_APPLICATION_CREDENTIALS"] = try account.write(
                tokenURI: emulator.tokenURI, in: scenario.directory)
            secrets += account.secretLines
            expectedSource = "Application Default Credentials: service account \(account.email)"
        case .authorizedUser:
            let user = TestAuthorizedUser()
            let emulator = try await OAuthEmulator.start(user: user, accessToken: token)
            oauth = emulator
            let gcloud = scenario.directory + "/gcloud"
            try FileManager.default.createDirectory(atPath: gcloud, withIntermediateDirectories: true)
            try JSONSerialization.data(withJSONObject: [
                "type": "authorized_user", "client_id": user.clientID, "client_secret": user.clientSecret,
                "refresh_token": user.refreshToken, "token_uri": emulator.tokenURI,
            ]).write(to: URL(fileURLWithPath: gcloud + "/application_default_credentials.json"))
            secrets += [user.clientSecret, user.refreshToken]
            expectedSource = "Application Default Credentials: authorized user from gcloud application-default login"
        case .metadataServer:
            let server = try await FakeHTTPServer.start { request in
                guard request.path == "/computeMetadata/v1/instance/service-accounts/default/token",
                    request.header("Metadata-Flavor") == "Google"
                else { return .json(404, #"{"error":"not found"}"#) }
                return .json(200, #"{"access_token":"\#(token)","expires_in":3599,"token_type":"Bearer"}"#)
            }
            metadata = server
            environment["GCE_METADATA_HOST"] = server.host
            expectedSource = "Application Default Credentials: metadata server \(server.host)"
        }

        let whoami = try await scenario.run(["auth", "whoami", GarScenario.garHost], environment)
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(
            whoami.stdout.contains("us-east1-docker.pkg.dev (contacted at \(scenario.gar.host) per registries.conf)"))
        #expect(whoami.stdout.contains(expectedSource), "\(whoami.stdout)")

        let built = try await scenario.build(["--verbose"], environment)
        #expect(built.status == 0, "\(built.stderr.suffix(600))")
        let reference = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(reference.hasPrefix(GarEndToEndTests.image + ":") && reference.contains("@sha256:"))
        #expect(scenario.storedTags(GarEndToEndTests.storedRepository).count == 1)
        // --verbose really logged the registry traffic (so the grep below covers it).
        #expect(built.stderr.contains("registry request"))
        #expect(built.stderr.contains("blobs/uploads/"))

        let tagged = String(reference.split(separator: "@").first ?? "")
        let exists = try await scenario.run(["exists", tagged, "--verbose"], environment)
        #expect(exists.status == 0, "\(exists.stderr)")
        if source == .gcloudHelper {
            let log = (try? String(contentsOfFile: scenario.directory + "/helper.log", encoding: .utf8)) ?? ""
            #expect(log.contains("get "), "the test's docker-credential-gcloud was not the one asked")
        }
        if let oauth {
            #expect(oauth.rejections.isEmpty, "\(oauth.rejections)")
            #expect(!oauth.issued.isEmpty)
        }

        let everything = [whoami, built, exists].map { $0.stdout + $0.stderr }.joined(separator: "\n")
        let leaked = secrets.filter { !$0.isEmpty && everything.contains($0) }
        #expect(leaked.isEmpty, "\(leaked.count) secret(s) leaked")
        await oauth?.shutdown()
        await metadata?.shutdown()
    }
}
