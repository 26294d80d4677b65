import Foundation
import TestSupport
import Testing

/// The seed scenario end to end through the built `imagespec` binary against the emulated Artifact Registry:
/// preflight before any build work, repository creation, GAR's answers translated into one line.
@Suite("GAR end to end", .serialized)
struct GarEndToEndTests {
    static let image = GarScenario.registry + "/simple-example-image"
    static let storedRepository = "my-union-dataplane/my-registry/my-image-repository/simple-example-image"

    /// The one stderr line of a failed run (and that there is exactly one).
    static func oneLine(_ result: ToolResult) -> String {
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
        return String(lines.first ?? "")
    }

    @Test("missing repository: fails fast with the gcloud command, then --create-repository builds and pushes")
    func missingRepositoryThenCreate() async throws {
        let account = try TestServiceAccount()
        let accessToken = "ya29.e2e-sa-\(UUID().uuidString)"
        let oauth = try await OAuthEmulator.start(serviceAccount: account, accessToken: accessToken)
        let scenario = try await GarScenario.start(accounts: [
            .init(
                username: "oauth2accesstoken", password: accessToken,
                grants: [.project(GarScenario.project, actions: ["pull", "push", "create"])])
        ])
        defer { scenario.stop() }
        let keyPath = try account.write(tokenURI: oauth.tokenURI, in: scenario.directory)
        let credentials = ["GOOGLE_APPLICATION_CREDENTIALS": keyPath]

        let started = ContinuousClock.now
        let failed = try await scenario.build(["--quiet"], credentials)
        let elapsed = ContinuousClock.now - started
        #expect(failed.status == 2)
        let line = Self.oneLine(failed)
        #expect(line.hasPrefix("error: "))
        #expect(line.contains("Artifact Registry repository \"my-registry\" does not exist"), "\(line)")
        #expect(line.contains("project my-union-dataplane, location us-east1, repository my-registry"))
        #expect(
            line.contains(
                "`gcloud artifacts repositories create my-registry --repository-format=docker --location=us-east1 "
                    + "--project=my-union-dataplane`"))
        #expect(line.contains("--create-repository"))
        // Nothing was built: no base pulled, uv never ran, no layer written, no tag pushed.
        #expect(scenario.baseRequestsByImagespec().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scenario.uvCache))
        #expect(scenario.fileCount(scenario.layerCache + "/blobs") == 0)
        #expect(scenario.storedTags(Self.storedRepository).isEmpty)
        #expect(elapsed < .seconds(20))
        #expect(scenario.gar.proxyLog().contains("NAME_UNKNOWN"))

        let built = try await scenario.build(["--create-repository"], credentials)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(scenario.gar.repositories(of: GarScenario.project).contains("my-registry"))
        let reference = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(reference.hasPrefix(Self.image + ":"))
        #expect(reference.contains("@sha256:"))
        #expect(scenario.storedTags(Self.storedRepository).count == 1)
        #expect(scenario.gar.registry.tokenLog().contains("\"api\": \"artifactregistry\""))
        let tagged = String(reference.split(separator: "@").first ?? "")
        let exists = try await scenario.run(["exists", tagged], credentials)
        #expect(exists.status == 0, "\(exists.stderr)")
        #expect(oauth.rejections.isEmpty)
        for result in [failed, built, exists] {
            #expect(!(result.stdout + result.stderr).contains(accessToken))
        }
        await oauth.shutdown()
    }

    @Test("push denied on an existing repository: the API tells it apart from a missing one")
    func deniedPushIsExplained() async throws {
        let secret = "ya29.helper-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(
            accounts: [
                .init(
                    username: "oauth2accesstoken", password: secret,
                    grants: [.project(GarScenario.project, actions: ["pull"])])
            ], repositories: ["my-registry"])
        defer { scenario.stop() }
        try scenario.installGcloudHelper(secret: secret)
        try scenario.writeDockerConfig(
            #"{"credHelpers":{"\#(GarScenario.garHost)":"gcloud","\#(scenario.gar.host)":"gcloud"}}"#)

        // Reader only: the repository exists (API GET 200), the push is denied.
        let denied = try await scenario.build(["--quiet"])
        #expect(denied.status == 2)
        let line = Self.oneLine(denied)
        #expect(line.contains("the repository exists but docker credential helper docker-credential-gcloud"), "\(line)")
        #expect(line.contains("roles/artifactregistry.writer"))
        #expect(line.contains("add-iam-policy-binding my-registry --location=us-east1 --project=my-union-dataplane"))
        #expect(scenario.gar.proxyLog().contains("\"code\": \"DENIED\""))
        #expect(!FileManager.default.fileExists(atPath: scenario.uvCache))
        #expect(scenario.storedTags(Self.storedRepository).isEmpty)

        // No grant on the project at all: GAR says DENIED for pull and push, the API refuses to say.
        try scenario.gar.updateTokenConfig(
            TokenServerConfig(
                accounts: [
                    .init(username: "oauth2accesstoken", password: secret, grants: [.project("other-project")])
                ], projects: [GarScenario.project: []]))
        let unknown = try await scenario.build(["--quiet"])
        #expect(unknown.status == 2)
        let ambiguous = Self.oneLine(unknown)
        #expect(
            ambiguous.contains("does not exist or the credentials lack roles/artifactregistry.writer"), "\(ambiguous)")
        #expect(ambiguous.contains("gcloud artifacts repositories create my-registry"))
        // Asked to create it, without the right to: the API's refusal and the role needed.
        let refused = try await scenario.build(["--quiet", "--create-repository"])
        #expect(refused.status == 2)
        let create = Self.oneLine(refused)
        #expect(create.contains("artifactregistry.repositories.create"), "\(create)")
        #expect(create.contains("roles/artifactregistry.repoAdmin"))
        #expect(!FileManager.default.fileExists(atPath: scenario.uvCache))
        #expect(scenario.gar.repositories(of: GarScenario.project).isEmpty)

        // No credentials at all: GAR's "Unauthenticated request" becomes the missing auth step.
        try scenario.writeDockerConfig(#"{"auths":{}}"#)
        let anonymous = try await scenario.build(["--quiet"])
        #expect(anonymous.status == 2)
        let auth = Self.oneLine(anonymous)
        #expect(auth.contains("no credentials were sent to us-east1-docker.pkg.dev"), "\(auth)")
        #expect(auth.contains("gcloud auth configure-docker us-east1-docker.pkg.dev"))
        #expect(auth.contains("GOOGLE_APPLICATION_CREDENTIALS"))
        for result in [denied, unknown, refused, anonymous] {
            #expect(!(result.stdout + result.stderr).contains(secret))
        }
    }
}
