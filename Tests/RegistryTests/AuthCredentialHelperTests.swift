import Foundation
import Registry
import Testing

/// Real credential helpers: bash scripts written into a temporary `bin` directory that is put on the `PATH` of the
/// environment handed to ``DockerConfigCredentials`` (the process environment is never changed).
@Suite("docker credential helpers")
struct AuthCredentialHelperTests {
    /// Behaves like `docker-credential-*`: `get` verb, server URL on stdin, JSON on stdout; logs what it read.
    static let fakeHelper = #"""
        #!/bin/bash
        set -u
        [ "${1:-}" = "get" ] || { echo "unsupported verb ${1:-}" >&2; exit 2; }
        IFS= read -r server || true
        if [ -n "${FAKE_HELPER_LOG:-}" ]; then printf '%s\n' "$server" >> "$FAKE_HELPER_LOG"; fi
        case "$server" in
          found.example)
            printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret-31"}\n' "$server" ;;
          token.example)
            printf '{"ServerURL":"%s","Username":"<token>","Secret":"helper-idtoken-32"}\n' "$server" ;;
          https://index.docker.io/v1/)
            printf '{"ServerURL":"%s","Username":"hub-helper","Secret":"helper-hub-33"}\n' "$server" ;;
          garbage.example)
            echo "Secret: helper-garbage-34 (this is not JSON)" ;;
          broken.example)
            echo "keychain is locked" >&2; exit 3 ;;
          slow.example)
            exec sleep 120 ;;
          *)
            echo "credentials not found in native keychain"; exit 1 ;;
        esac
        """#

    /// A second helper, used as `credsStore`, that knows every host.
    static let storeHelper = #"""
        #!/bin/bash
        IFS= read -r server || true
        printf '{"ServerURL":"%s","Username":"store-user","Secret":"store-secret-35"}\n' "$server"
        """#

    static let secrets = [
        "helper-secret-31", "helper-idtoken-32", "helper-hub-33", "helper-garbage-34", "store-secret-35",
        "pw-auths-36",
    ]

    private struct Fixture {
        let directory: AuthTestDirectory
        let credentials: DockerConfigCredentials
        var log: String { directory.file("helper.log") }

        func loggedServers() throws -> [String] {
            guard FileManager.default.fileExists(atPath: log) else { return [] }
            return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }

    private func fixture(config: String, timeout: Duration = .seconds(30)) throws -> Fixture {
        let directory = try AuthTestDirectory("helpers")
        try directory.write(Self.fakeHelper, to: "bin/docker-credential-fake", executable: true)
        try directory.write(Self.storeHelper, to: "bin/docker-credential-store2", executable: true)
        try directory.write(config, to: "docker/config.json")
        let environment = [
            "DOCKER_CONFIG": directory.file("docker"),
            "PATH": directory.file("bin") + ":/usr/local/bin:/usr/bin:/bin",
            "FAKE_HELPER_LOG": directory.file("helper.log"),
        ]
        return Fixture(
            directory: directory, credentials: DockerConfigCredentials(environment: environment, helperTimeout: timeout)
        )
    }

    private static let helperConfig = #"""
        {"credHelpers": {"found.example": "fake", "token.example": "fake", "unknown.example": "fake",
                         "https://index.docker.io/v1/": "fake", "garbage.example": "fake", "broken.example": "fake",
                         "slow.example": "fake", "absent.example": "absent"},
         "auths": {"found.example": {"auth": "\#(dockerAuth("file-user", "pw-auths-36"))"}}}
        """#

    @Test("a helper answer becomes basic credentials and beats auths")
    func found() async throws {
        let fixture = try fixture(config: Self.helperConfig)
        defer { fixture.directory.remove() }
        let credential = try await fixture.credentials.credential(for: "found.example")
        #expect(credential == .basic(username: "helper-user", password: "helper-secret-31"))
        #expect(try fixture.loggedServers() == ["found.example"])
    }

    @Test("Username <token> is an identity token")
    func identityToken() async throws {
        let fixture = try fixture(config: Self.helperConfig)
        defer { fixture.directory.remove() }
        #expect(try await fixture.credentials.credential(for: "token.example") == .identityToken("helper-idtoken-32"))
    }

    @Test("credentials not found is anonymous")
    func notFound() async throws {
        let fixture = try fixture(config: Self.helperConfig)
        defer { fixture.directory.remove() }
        #expect(try await fixture.credentials.credential(for: "unknown.example") == nil)
        #expect(try fixture.loggedServers() == ["unknown.example"])
    }

    @Test(
        "Docker Hub: the helper gets https://index.docker.io/v1/ whatever the host name",
        arguments: [
            "docker.io", "registry-1.docker.io", "index.docker.io",
        ])
    func dockerHub(_ host: String) async throws {
        let fixture = try fixture(config: Self.helperConfig)
        defer { fixture.directory.remove() }
        #expect(
            try await fixture.credentials.credential(for: host)
                == .basic(username: "hub-helper", password: "helper-hub-33"))
        #expect(try fixture.loggedServers() == ["https://index.docker.io/v1/"])
    }

    @Test("precedence: credHelpers > credsStore > auths")
    func precedence() async throws {
        let config = #"""
            {"credHelpers": {"found.example": "fake"}, "credsStore": "store2",
             "auths": {"auths-only.example": {"auth": "\#(dockerAuth("file-user", "pw-auths-36"))"}}}
            """#
        let fixture = try fixture(config: config)
        defer { fixture.directory.remove() }
        #expect(
            try await fixture.credentials.credential(for: "found.example")
                == .basic(username: "helper-user", password: "helper-secret-31"))
        // With a credsStore, it answers for every other host; the auths entry is only a marker, as in docker.
        #expect(
            try await fixture.credentials.credential(for: "auths-only.example")
                == .basic(username: "store-user", password: "store-secret-35"))
        #expect(
            try await fixture.credentials.credential(for: "ghcr.io")
                == .basic(username: "store-user", password: "store-secret-35"))

        let withoutStore = try self.fixture(
            config: #"""
                {"credHelpers": {"found.example": "fake"},
                 "auths": {"auths-only.example": {"auth": "\#(dockerAuth("file-user", "pw-auths-36"))"}}}
                """#)
        defer { withoutStore.directory.remove() }
        #expect(
            try await withoutStore.credentials.credential(for: "auths-only.example")
                == .basic(username: "file-user", password: "pw-auths-36"))
        #expect(try await withoutStore.credentials.credential(for: "ghcr.io") == nil)
    }

    struct FailureCase: CustomTestStringConvertible, Sendable {
        let host: String
        let mustContain: [String]
        var testDescription: String { host }
    }

    static let failures: [FailureCase] = [
        FailureCase(
            host: "garbage.example", mustContain: ["docker-credential-fake", "printed something that is not JSON"]),
        FailureCase(
            host: "broken.example", mustContain: ["docker-credential-fake", "exit status 3", "keychain is locked"]),
        FailureCase(
            host: "absent.example",
            mustContain: ["docker-credential-absent", "is not on PATH", "credHelpers[\"absent.example\"]"]),
    ]

    @Test("helper failures are one clear line naming the helper, without secrets", arguments: failures)
    func failure(_ testCase: FailureCase) async throws {
        let fixture = try fixture(config: Self.helperConfig)
        defer { fixture.directory.remove() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await fixture.credentials.credential(for: testCase.host)
        }
        let description = try #require(error).description
        for fragment in testCase.mustContain {
            #expect(description.contains(fragment), "\(description)")
        }
        #expect(!description.contains("\n"))
        for secret in Self.secrets {
            #expect(!description.contains(secret), "\(description)")
        }
    }

    @Test("a credsStore helper that is missing is named too")
    func missingStore() async throws {
        let fixture = try fixture(config: #"{"credsStore": "desktop"}"#)
        defer { fixture.directory.remove() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await fixture.credentials.credential(for: "ghcr.io")
        }
        #expect(error?.kind == .credentials)
        #expect(error?.description.contains("docker-credential-desktop (from credsStore in ") == true)
        #expect(error?.description.contains("is not on PATH") == true)
    }

    @Test("a hanging helper times out")
    func timeout() async throws {
        let fixture = try fixture(config: Self.helperConfig, timeout: .milliseconds(1500))
        defer { fixture.directory.remove() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: RegistryError.self) {
            _ = try await fixture.credentials.credential(for: "slow.example")
        }
        // Far less than the helper's 120 s: the helper was abandoned (and killed), not waited for. The bound is
        // loose because the whole suite shares two cores with real registries.
        #expect(clock.now - start < .seconds(100))
        #expect(error?.description.contains("did not answer within 1.5 s") == true)
    }
}
