import Foundation
import TestSupport
import Testing

/// `imagespec copy` pushing to registries that need credentials, each found a different way, and the
/// same-registry case that must mount instead of upload.
@Suite("copy: authenticated pushes and mounts", .timeLimit(.minutes(5)))
struct CopyAuthTests {
    /// What a push through `imagespec copy` must show: success, the same manifest bytes at the target, and no
    /// password anywhere in the output (even with --verbose).
    static func expectAuthenticatedCopy(
        from source: BaseImage, to target: RegistryFixture, repository: String, sandbox: CLISandbox
    ) async throws {
        let destination = target.reference(repository, tag: "pushed")
        let result = try await CLI.run(["copy", source.reference, destination, "--json", "--verbose"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let password = try #require(target.password)
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        let basic = Data(try #require(target.credentials).utf8).base64EncodedString()
        #expect(!result.stderr.contains(basic))
        let summary = try #require(try CLI.json(result)["summary"] as? [String: Any])
        #expect(summary["uploaded"] as? Int == 2)
        #expect(
            try await Oracle.rawManifest(destination, creds: target.credentials)
                == Oracle.rawManifest(source.reference))
        // Without credentials the target refuses, so the push above really was authenticated.
        #expect(
            try await Oracle.manifestStatus(host: target.host, repository: repository, tag: "pushed") == 401)
    }

    @Test("basic auth from an `auths` entry in $DOCKER_CONFIG/config.json")
    func basicAuthFromAuths() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start(auth: .basic)
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        try sandbox.writeDockerConfig(target.dockerConfigJSON())
        let base = try await BaseImageFixture.push(to: source, repository: "auth/src", tag: "1")
        try await Self.expectAuthenticatedCopy(from: base, to: target, repository: "auth/auths", sandbox: sandbox)
    }

    @Test("basic auth from a credential helper (credHelpers) script on PATH")
    func basicAuthFromCredHelper() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start(auth: .basic)
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        try sandbox.writeAnsweringHelper(
            "imagespec-test", serverURL: target.host, username: try #require(target.username),
            secret: try #require(target.password))
        try sandbox.writeDockerConfig(#"{"credHelpers":{"\#(target.host)":"imagespec-test"}}"#)
        let base = try await BaseImageFixture.push(to: source, repository: "auth/src", tag: "1")
        try await Self.expectAuthenticatedCopy(from: base, to: target, repository: "auth/helper", sandbox: sandbox)
        let log = try String(contentsOfFile: sandbox.root + "/helper-imagespec-test.log", encoding: .utf8)
        #expect(log.contains("get"))
    }

    @Test("token auth from a credsStore helper (used for every host)")
    func tokenAuthFromCredsStore() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start(auth: .token)
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        try sandbox.writeAnsweringHelper(
            "imagespec-store", serverURL: target.host, username: try #require(target.username),
            secret: try #require(target.password))
        try sandbox.writeDockerConfig(#"{"credsStore":"imagespec-store"}"#)
        let base = try await BaseImageFixture.push(to: source, repository: "auth/src", tag: "1")
        let destination = target.reference("auth/store", tag: "pushed")
        let result = try await CLI.run(["copy", base.reference, destination, "--json", "--verbose"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let password = try #require(target.password)
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        #expect(
            try await Oracle.rawManifest(destination, creds: target.credentials)
                == Oracle.rawManifest(base.reference))
        // The token server issued a push grant for the repository to the helper's user.
        #expect(target.tokenLog().contains("auth/store"))
        let log = try String(contentsOfFile: sandbox.root + "/helper-imagespec-store.log", encoding: .utf8)
        #expect(log.contains("get"))
    }

    @Test("same-registry copy mounts every blob from the source repository and uploads nothing")
    func sameRegistryMounts() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let image = try await MultiPlatformImage.push(to: registry, repository: "mount/src", tag: "1")
        let destination = registry.reference("mount/dst", tag: "1")

        let result = try await CLI.run(["copy", image.reference, destination, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.json(result)
        let blobs = try #require(report["blobs"] as? [[String: Any]])
        #expect(!blobs.isEmpty)
        #expect(blobs.allSatisfy { $0["action"] as? String == "mounted" })
        #expect((report["summary"] as? [String: Any])?["bytesUploaded"] as? Int == 0)
        // The registry saw cross-repository mount requests from mount/src.
        let log = registry.log()
        #expect(log.contains("mount=sha256"))
        #expect(log.contains("from=mount%2Fsrc") || log.contains("from=mount/src"))
        #expect(try await Oracle.rawManifest(destination) == image.indexBytes)
    }

    @Test("same-registry copy with basic auth mounts too, with one set of credentials")
    func sameRegistryMountWithAuth() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        try sandbox.writeDockerConfig(registry.dockerConfigJSON())
        let base = try await BaseImageFixture.push(to: registry, repository: "mount/src", tag: "1")
        let destination = registry.reference("mount/auth-dst", tag: "1")
        let result = try await CLI.run(["copy", base.reference, destination, "--json"], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try CLI.json(result)["summary"] as? [String: Any])
        #expect(summary["mounted"] as? Int == 2)
        #expect(summary["uploaded"] as? Int == 0)
    }
}
