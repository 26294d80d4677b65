import Foundation
import TestSupport
import Testing

/// `imagespec exists` and `imagespec copy` against the emulated Artifact Registry through the built binary: GAR's
/// answers (missing repository, denied, unauthenticated) become the same one line as for `build`, and a missing
/// repository is never reported as a missing image.
@Suite("GAR exists and copy", .serialized)
struct GarExistsCopyTests {
    static let project = GarScenario.project
    static let repositoryPath = "\(GarScenario.garHost)/\(GarScenario.project)/\(GarScenario.repository)"
    static let base = "ghcr.io/flyteorg/flytekit:py3.11-latest"

    /// Installs the test's `docker-credential-gcloud` for the GAR name and its loopback endpoint.
    static func useHelper(_ scenario: GarScenario, secret: String, hosts: [String] = [GarScenario.garHost]) throws {
        try scenario.installGcloudHelper(secret: secret)
        let entries = (hosts + [scenario.gar.host]).map { "\"\($0)\":\"gcloud\"" }.joined(separator: ",")
        try scenario.writeDockerConfig("{\"credHelpers\":{\(entries)}}")
    }

    /// Uploads and manifest writes the proxy saw (none may happen before a failed preflight).
    static func writes(_ scenario: GarScenario) -> [String] {
        scenario.gar.proxyLog().split(separator: "\n").map(String.init).filter {
            $0.contains("\"method\": \"PUT\"") || $0.contains("\"method\": \"PATCH\"")
        }
    }

    @Test("exists: a missing repository is exit 2 with the create command (never 1); denied and anonymous explained")
    func existsExplainsGarAnswers() async throws {
        let secret = "ya29.exists-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(accounts: [
            .init(
                username: "oauth2accesstoken", password: secret,
                grants: [.project(Self.project, actions: ["pull", "push", "create"])])
        ])
        defer { scenario.stop() }
        try Self.useHelper(scenario, secret: secret)
        let image = Self.repositoryPath + "/my-image-repository/simple-example-image:abc123"

        let missing = try await scenario.run(["exists", image])
        #expect(missing.status == 2, "a missing repository is not a missing image: \(missing.stderr)")
        #expect(missing.stdout.isEmpty)
        let line = GarEndToEndTests.oneLine(missing)
        #expect(line.hasPrefix("error: "))
        #expect(line.contains("the Artifact Registry repository \"my-registry\" does not exist"), "\(line)")
        #expect(line.contains("(project my-union-dataplane, location us-east1, repository my-registry)"))
        #expect(
            line.contains(
                "`gcloud artifacts repositories create my-registry --repository-format=docker --location=us-east1 "
                    + "--project=my-union-dataplane`"))
        #expect(line.contains("`imagespec gar create-repository \(Self.repositoryPath)`"))
        #expect(!line.contains("--create-repository"), "exists has no such flag: \(line)")
        #expect(!line.contains("not found (the registry answered"))
        #expect(scenario.gar.proxyLog().contains("NAME_UNKNOWN"))
        let json = try await scenario.run(["exists", image, "--json"])
        #expect(json.status == 2)
        #expect(json.stdout.isEmpty, "no {\"exists\": false} for a missing repository")

        // The same through a spec file: flytekit's check must not be told to build into a missing repository.
        let spec = try await scenario.run(["exists", scenario.specPath])
        #expect(spec.status == 2)
        #expect(GarEndToEndTests.oneLine(spec).contains("repository \"my-registry\" does not exist"))

        // Once the repository exists, an absent tag is exit 1 as usual.
        let created = try await scenario.run(["gar", "create-repository", Self.repositoryPath])
        #expect(created.status == 0, "\(created.stderr)")
        let absent = try await scenario.run(["exists", image])
        #expect(absent.status == 1, "\(absent.stderr)")
        #expect(absent.stderr.contains("not found (the registry answered 404 / MANIFEST_UNKNOWN)"))

        // May see the project but not pull: the API says the repository exists, so the reader role is the fix.
        try scenario.gar.updateTokenConfig(
            TokenServerConfig(
                accounts: [
                    .init(
                        username: "oauth2accesstoken", password: secret,
                        grants: [.project(Self.project, actions: ["create"])])
                ], projects: [Self.project: [GarScenario.repository]]))
        let denied = try await scenario.run(["exists", image])
        #expect(denied.status == 2)
        let deniedLine = GarEndToEndTests.oneLine(denied)
        #expect(
            deniedLine.contains("the repository exists but docker credential helper docker-credential-gcloud"),
            "\(deniedLine)")
        #expect(deniedLine.contains("may not pull from it"))
        #expect(deniedLine.contains("artifactregistry.repositories.downloadArtifacts"))
        #expect(deniedLine.contains("--role=roles/artifactregistry.reader"))

        // No grant on the project at all: GAR's ambiguous DENIED, and the API cannot tell either.
        try scenario.gar.updateTokenConfig(
            TokenServerConfig(
                accounts: [
                    .init(username: "oauth2accesstoken", password: secret, grants: [.project("other-project")])
                ], projects: [Self.project: []]))
        let unknown = try await scenario.run(["exists", image])
        #expect(unknown.status == 2)
        let unknownLine = GarEndToEndTests.oneLine(unknown)
        #expect(
            unknownLine.contains("does not exist or the credentials lack roles/artifactregistry.reader"),
            "\(unknownLine)")

        // No credentials at all (and the implicit metadata server refused): the missing auth step.
        try scenario.writeDockerConfig(#"{"auths":{}}"#)
        let anonymous = try await scenario.run(["exists", image])
        #expect(anonymous.status == 2)
        let auth = GarEndToEndTests.oneLine(anonymous)
        #expect(auth.contains("no credentials were sent to us-east1-docker.pkg.dev"), "\(auth)")
        #expect(auth.contains("gcloud auth configure-docker us-east1-docker.pkg.dev"))

        // A path without an image part is refused before any request.
        let requestsBefore = scenario.gar.proxyLog().count
        let shape = try await scenario.run(["exists", Self.repositoryPath + ":v1"])
        #expect(shape.status == 2)
        #expect(GarEndToEndTests.oneLine(shape).contains("images are"), "\(shape.stderr)")
        #expect(scenario.gar.proxyLog().count == requestsBefore)

        let everything = [missing, json, spec, created, absent, denied, unknown, anonymous, shape]
        #expect(everything.allSatisfy { !($0.stdout + $0.stderr).contains(secret) })
    }

    @Test("copy: a missing destination repository fails before any blob moves; GAR sources and denials explained")
    func copyExplainsGarAnswers() async throws {
        let secret = "ya29.copy-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(accounts: [
            .init(
                username: "oauth2accesstoken", password: secret,
                grants: [.project(Self.project, actions: ["pull", "push", "create"])])
        ])
        defer { scenario.stop() }
        try Self.useHelper(scenario, secret: secret)
        let destination = Self.repositoryPath + "/flytekit:py3.11"

        let missing = try await scenario.run(["copy", Self.base, destination])
        #expect(missing.status == 2, "\(missing.stdout)")
        let line = GarEndToEndTests.oneLine(missing)
        #expect(line.contains("the Artifact Registry repository \"my-registry\" does not exist"), "\(line)")
        #expect(line.contains("gcloud artifacts repositories create my-registry --repository-format=docker"))
        #expect(line.contains("`imagespec gar create-repository \(Self.repositoryPath)`"))
        // The probe failed first: the source was not read, nothing was uploaded.
        #expect(scenario.baseRequestsByImagespec().isEmpty)
        #expect(Self.writes(scenario).isEmpty, "\(Self.writes(scenario))")

        let created = try await scenario.run(["gar", "create-repository", Self.repositoryPath])
        #expect(created.status == 0, "\(created.stderr)")
        let copied = try await scenario.run(["copy", Self.base, destination])
        #expect(copied.status == 0, "\(copied.stderr)")
        let pinned = String(copied.stdout.split(separator: "\n").last ?? "")
        #expect(pinned.hasPrefix(Self.repositoryPath + "/flytekit@sha256:"), "\(copied.stdout)")
        #expect(scenario.storedTags("my-union-dataplane/my-registry/flytekit") == ["py3.11"])
        let exists = try await scenario.run(["exists", destination])
        #expect(exists.status == 0, "\(exists.stderr)")
        #expect(exists.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == pinned)

        // A GAR source in a repository that does not exist: named, with its own create command.
        let mirror = "\(scenario.base.host)/mirror/flytekit:1"
        let missingSource = try await scenario.run(["copy", Self.repositoryPath + "-old/flytekit:py3.11", mirror])
        #expect(missingSource.status == 2)
        let sourceLine = GarEndToEndTests.oneLine(missingSource)
        #expect(sourceLine.contains("repository \"my-registry-old\" does not exist"), "\(sourceLine)")
        #expect(sourceLine.contains("create my-registry-old --repository-format=docker --location=us-east1"))

        // A reader: pulling from GAR works, pushing to it is denied with the writer role as the fix.
        try scenario.gar.updateTokenConfig(
            TokenServerConfig(
                accounts: [
                    .init(
                        username: "oauth2accesstoken", password: secret,
                        grants: [.project(Self.project, actions: ["pull"])])
                ], projects: [Self.project: [GarScenario.repository]]))
        let pulled = try await scenario.run(["copy", destination, mirror])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let denied = try await scenario.run(["copy", Self.base, Self.repositoryPath + "/flytekit:other"])
        #expect(denied.status == 2)
        let deniedLine = GarEndToEndTests.oneLine(denied)
        #expect(deniedLine.contains("may not push to it"), "\(deniedLine)")
        #expect(deniedLine.contains("--role=roles/artifactregistry.writer"))
        #expect(scenario.storedTags("my-union-dataplane/my-registry/flytekit") == ["py3.11"])

        // No credentials: the GAR source's missing auth step (the destination is a plain loopback registry).
        try scenario.writeDockerConfig(#"{"auths":{}}"#)
        let anonymous = try await scenario.run(["copy", destination, mirror])
        #expect(anonymous.status == 2)
        let auth = GarEndToEndTests.oneLine(anonymous)
        #expect(auth.contains("no credentials were sent to us-east1-docker.pkg.dev"), "\(auth)")

        let everything = [missing, created, copied, exists, missingSource, pulled, denied, anonymous]
        #expect(everything.allSatisfy { !($0.stdout + $0.stderr).contains(secret) })
    }

    @Test("regional endpoint docker.LOCATION.rep.pkg.dev mapped by registries.conf: explain, create, build, exists")
    func regionalEndpointHost() async throws {
        let secret = "ya29.rep-\(UUID().uuidString)"
        let scenario = try await GarScenario.start(accounts: [
            .init(
                username: "oauth2accesstoken", password: secret,
                grants: [.project(Self.project, actions: ["pull", "push", "create"])])
        ])
        defer { scenario.stop() }
        try Self.useHelper(scenario, secret: secret, hosts: [GarScenario.repHost])
        let repository = "\(GarScenario.repHost)/\(Self.project)/rep-registry"

        let whoami = try await scenario.run(["auth", "whoami", GarScenario.repHost])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        let contacted = "\(GarScenario.repHost) (contacted at \(scenario.gar.host) per registries.conf)"
        #expect(whoami.stdout.contains(contacted), "\(whoami.stdout)")
        #expect(whoami.stdout.contains("docker credential helper docker-credential-gcloud"), "\(whoami.stdout)")

        let image = repository + "/my-image-repository/simple-example-image"
        let missing = try await scenario.run(["exists", image + ":v1"])
        #expect(missing.status == 2)
        let line = GarEndToEndTests.oneLine(missing)
        #expect(
            line.contains("(project my-union-dataplane, location europe-west3, repository rep-registry)"), "\(line)")
        #expect(line.contains("create rep-registry --repository-format=docker --location=europe-west3"))

        // The seed spec, moved to the regional endpoint: fails fast, then --create-repository builds and pushes.
        let specText = try String(contentsOfFile: scenario.specPath, encoding: .utf8)
            .replacingOccurrences(of: GarScenario.registry, with: repository + "/my-image-repository")
        let spec = scenario.directory + "/rep-spec.yaml"
        try specText.write(toFile: spec, atomically: true, encoding: .utf8)
        let build = ["build", spec, "--cache-dir", scenario.layerCache, "--no-flytekit", "--quiet"]
        let failed = try await scenario.run(build)
        #expect(failed.status == 2)
        let failedLine = GarEndToEndTests.oneLine(failed)
        #expect(failedLine.contains("location europe-west3"), "\(failedLine)")
        #expect(failedLine.contains("--create-repository"))
        #expect(!FileManager.default.fileExists(atPath: scenario.uvCache))

        let built = try await scenario.run(build + ["--create-repository"])
        #expect(built.status == 0, "\(built.stderr.suffix(600))")
        #expect(scenario.gar.repositories(of: Self.project) == ["rep-registry"])
        let log = scenario.gar.registry.tokenLog()
        #expect(log.contains("projects/my-union-dataplane/locations/europe-west3/operations/"))
        let reference = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(reference.hasPrefix(image + ":") && reference.contains("@sha256:"), "\(reference)")
        let storedImage = "my-union-dataplane/rep-registry/my-image-repository/simple-example-image"
        #expect(scenario.storedTags(storedImage).count == 1)

        let tagged = String(reference.split(separator: "@").first ?? "")
        let exists = try await scenario.run(["exists", tagged])
        #expect(exists.status == 0, "\(exists.stderr)")
        let digest = String(reference.split(separator: "@").last ?? "")
        #expect(exists.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(image)@\(digest)")

        let everything = [whoami, missing, failed, built, exists]
        #expect(everything.allSatisfy { !($0.stdout + $0.stderr).contains(secret) })
    }
}
