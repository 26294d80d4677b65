import Foundation
import TestSupport
import Testing

/// `imagespec exists`: 0 exists, 1 the registry says the tag/digest does not exist, 2 anything else.
@Suite("exists: exit codes 0 / 1 / 2", .timeLimit(.minutes(3)))
struct ExistsTests {
    @Test("an existing tag: exit 0 and the digest-pinned reference skopeo agrees with")
    func existingTag() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: registry, repository: "exists/base", tag: "1")

        let result = try await CLI.run(["exists", base.reference], in: sandbox)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == base.digestReference + "\n")
        #expect(result.stderr.isEmpty)

        let json = try await CLI.run(["exists", base.reference, "--json"], in: sandbox)
        #expect(json.status == 0)
        let object = try CLI.json(json)
        #expect(object["exists"] as? Bool == true)
        #expect(object["digest"] as? String == base.manifestDigest)
        #expect(object["mediaType"] as? String == base.manifestMediaType)
        #expect(object["pinned"] as? String == base.digestReference)

        // By digest, too.
        let byDigest = try await CLI.run(["exists", base.digestReference], in: sandbox)
        #expect(byDigest.status == 0)
        #expect(byDigest.stdout == base.digestReference + "\n")
    }

    @Test("a missing tag or digest in an existing repository: exit 1")
    func missingTag() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        _ = try await BaseImageFixture.push(to: registry, repository: "exists/base", tag: "1")

        let result = try await CLI.run(["exists", registry.reference("exists/base", tag: "nope")], in: sandbox)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(CLI.errorLines(result).count == 1)

        let json = try await CLI.run(["exists", registry.reference("exists/base", tag: "nope"), "--json"], in: sandbox)
        #expect(json.status == 1)
        #expect(try CLI.json(json)["exists"] as? Bool == false)

        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let byDigest = try await CLI.run(["exists", "\(registry.host)/exists/base@\(digest)"], in: sandbox)
        #expect(byDigest.status == 1, "\(byDigest.stderr)")
    }

    @Test("a basic-auth registry with credentials: 0 and 1 as usual; without them: 2, never 1")
    func basicAuth() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: registry, repository: "exists/private", tag: "1")

        let anonymous = try await CLI.run(["exists", base.reference], in: sandbox)
        #expect(anonymous.status == 2)
        #expect(CLI.errorLines(anonymous).count == 1)
        #expect(anonymous.stderr.contains(registry.host))

        try sandbox.writeDockerConfig(registry.dockerConfigJSON())
        let present = try await CLI.run(["exists", base.reference, "--verbose"], in: sandbox)
        #expect(present.status == 0, "\(present.stderr)")
        let missing = try await CLI.run(["exists", registry.reference("exists/private", tag: "2")], in: sandbox)
        #expect(missing.status == 1, "\(missing.stderr)")
        let password = try #require(registry.password)
        for result in [anonymous, present, missing] {
            #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        }
    }

    @Test("a repository the token grants nothing for: exit 2 (not 1), one line naming it, no secret")
    func tokenRegistryWithoutGrant() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        // Logged in as the GAR-style account, which may only use test-project/created-repo/….
        let login = Data("oauth2accesstoken:\(RegistryFixture.garAccessToken)".utf8).base64EncodedString()
        try sandbox.writeDockerConfig(#"{"auths":{"\#(registry.host)":{"auth":"\#(login)"}}}"#)
        let reference = registry.reference("test-project/missing-repo/img", tag: "1")
        let result = try await CLI.run(["exists", reference], in: sandbox)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1)
        #expect(result.stderr.contains("test-project/missing-repo/img"))
        #expect(!result.stderr.contains(RegistryFixture.garAccessToken))
        #expect(result.stdout.isEmpty)

        // In the granted repository the same login gets real answers.
        let granted = try await CLI.run(
            ["exists", registry.reference("test-project/created-repo/img", tag: "1")], in: sandbox)
        #expect(granted.status == 1, "\(granted.stderr)")
    }

    @Test("a registry that is down: exit 2 with one line naming the host, quickly")
    func registryDown() async throws {
        let registry = try await RegistryFixture.start()
        let host = registry.host
        registry.stop()
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let started = ContinuousClock.now
        let result = try await CLI.run(["exists", "\(host)/exists/down:1"], in: sandbox)
        #expect(result.status == 2)
        #expect(CLI.errorLines(result).count == 1)
        #expect(result.stderr.contains(host))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(
        "bad arguments: exit 2 with one line naming the problem",
        arguments: [
            (["exists", "Not/A/Valid:Ref"], "Not/A/Valid"),
            (["exists", "127.0.0.1:1/x:bad tag"], "bad tag"),
            (["exists", "missing-spec.yaml"], "missing-spec.yaml"),
        ])
    func badArguments(arguments: [String], named: String) async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let result = try await CLI.run(arguments, in: sandbox)
        #expect(result.status == 2)
        #expect(CLI.errorLines(result).count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(named))
        #expect(result.stdout.isEmpty)
    }

    @Test("a spec file (YAML and JSON): names the image like `imagespec name`, then 1 before and 0 after a push")
    func specFile() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        try sandbox.write("requirements.txt", "numpy==2.1.0\n")
        let yaml = try sandbox.write(
            "specs/image.yaml",
            "name: exists-spec\nregistry: \(registry.host)/flyte\npython_version: \"3.11\"\n"
                + "requirements: ../requirements.txt\n")
        let json = try sandbox.write(
            "specs/image.json",
            #"{"name": "exists-json", "registry": "\#(registry.host)/flyte", "packages": ["pandas"]}"#)

        for spec in [yaml, json] {
            let named = try await CLI.run(["name", spec], in: sandbox)
            #expect(named.status == 0, "\(named.stderr)")
            let imageName = named.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(imageName.hasPrefix(registry.host + "/flyte/exists-"))

            let before = try await CLI.run(["exists", spec], in: sandbox)
            #expect(before.status == 1, "\(before.stderr)")
            #expect(before.stderr.contains(imageName))

            let source = try await BaseImageFixture.push(
                to: registry, repository: "base/for-spec", tag: String(imageName.suffix(8)))
            try await ExternalTool.runAsync(
                "skopeo",
                [
                    "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://\(source.reference)",
                    "docker://\(imageName)",
                ]
            ).check()
            let after = try await CLI.run(["exists", spec, "--json"], in: sandbox)
            #expect(after.status == 0, "\(after.stderr)")
            let object = try CLI.json(after)
            #expect(object["reference"] as? String == imageName)
            #expect(object["digest"] as? String == source.manifestDigest)
        }
    }

    @Test("a spec file without a registry: exit 2, \"spec has no registry; nothing to check\"")
    func specWithoutRegistry() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let spec = try sandbox.write("local.yaml", "name: local-only\npackages: [numpy]\n")
        let result = try await CLI.run(["exists", spec], in: sandbox)
        #expect(result.status == 2)
        #expect(CLI.errorLines(result).count == 1)
        #expect(result.stderr.contains("spec has no registry; nothing to check"))
        #expect(result.stderr.contains("local.yaml"))

        let broken = try sandbox.write("broken.yaml", "name: [unclosed\n")
        let invalid = try await CLI.run(["exists", broken], in: sandbox)
        #expect(invalid.status == 2)
        #expect(CLI.errorLines(invalid).count == 1)
        #expect(invalid.stderr.contains("broken.yaml:"))
    }

    @Test("--insecure-registry switches a non-loopback host to plain HTTP (and TLS stays the default)")
    func insecureRegistryOption() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let reference = "registry.nonexistent.invalid:5443/team/app:1"
        let secure = try await CLI.run(["exists", reference], in: sandbox)
        #expect(secure.status == 2)
        #expect(secure.stderr.contains("https://registry.nonexistent.invalid:5443/"), "\(secure.stderr)")

        let insecure = try await CLI.run(
            ["exists", reference, "--insecure-registry", "registry.nonexistent.invalid:5443"], in: sandbox)
        #expect(insecure.status == 2)
        #expect(CLI.errorLines(insecure).count == 1)
        #expect(insecure.stderr.contains("http://registry.nonexistent.invalid:5443/"), "\(insecure.stderr)")

        // Added on top of a registries.conf the environment selects, which keeps working.
        let conf = try sandbox.write(
            "registries.conf", "[[registry]]\nprefix = \"ghcr.io/acme\"\nlocation = \"127.0.0.1:1/acme\"\n")
        let rewritten = try await CLI.run(
            ["exists", "ghcr.io/acme/app:1", "--insecure-registry", "registry.nonexistent.invalid:5443"],
            in: sandbox, environment: ["IMAGESPEC_REGISTRIES_CONF": conf])
        #expect(rewritten.status == 2)
        #expect(rewritten.stderr.contains("http://127.0.0.1:1/"), "\(rewritten.stderr)")
    }
}
