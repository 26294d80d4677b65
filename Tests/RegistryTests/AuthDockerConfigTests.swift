import Foundation
import Registry
import Testing

@Suite("docker config.json credentials (no helpers)")
struct AuthDockerConfigTests {
    /// Writes `json` as `config.json` in a fresh directory and returns a provider reading it via DOCKER_CONFIG.
    private func provider(_ json: String, extra: [String: String] = [:]) throws -> (
        DockerConfigCredentials, AuthTestDirectory
    ) {
        let directory = try AuthTestDirectory("dockercfg")
        try directory.write(json, to: "config.json")
        var environment = ["DOCKER_CONFIG": directory.path, "PATH": "/usr/bin:/bin"]
        environment.merge(extra) { _, new in new }
        return (DockerConfigCredentials(environment: environment), directory)
    }

    struct LookupCase: CustomTestStringConvertible, Sendable {
        let label: String
        let auths: [String: String]  // key → JSON entry
        let host: String
        let expected: Credential?
        var testDescription: String { label }
    }

    static let lookupCases: [LookupCase] = [
        LookupCase(
            label: "exact host, base64 auth", auths: ["ghcr.io": #"{"auth":"\#(dockerAuth("alice", "pw-alice-1"))"}"#],
            host: "ghcr.io", expected: .basic(username: "alice", password: "pw-alice-1")),
        LookupCase(
            label: "auth splits at the first colon",
            auths: ["ghcr.io": #"{"auth":"\#(dockerAuth("bob", "pa:ss:word"))"}"#],
            host: "ghcr.io", expected: .basic(username: "bob", password: "pa:ss:word")),
        LookupCase(
            label: "unpadded base64 and surrounding spaces",
            auths: ["ghcr.io": #"{"auth":" \#(dockerAuth("ab", "cdefg").replacingOccurrences(of: "=", with: "")) "}"#],
            host: "ghcr.io", expected: .basic(username: "ab", password: "cdefg")),
        LookupCase(
            label: "username and password fields",
            auths: ["registry.example.com": #"{"username":"carol","password":"pw-carol-2"}"#],
            host: "registry.example.com", expected: .basic(username: "carol", password: "pw-carol-2")),
        LookupCase(
            label: "auth overrides username/password",
            auths: ["r.example": #"{"auth":"\#(dockerAuth("real", "pw-real-3"))","username":"x","password":"y"}"#],
            host: "r.example", expected: .basic(username: "real", password: "pw-real-3")),
        LookupCase(
            label: "identitytoken", auths: ["myreg.example.com": #"{"identitytoken":"refresh-tok-4"}"#],
            host: "myreg.example.com", expected: .identityToken("refresh-tok-4")),
        LookupCase(
            label: "registrytoken", auths: ["other.example.com": #"{"registrytoken":"bearer-tok-5"}"#],
            host: "other.example.com", expected: .registryToken("bearer-tok-5")),
        LookupCase(
            label: "Docker Hub key for docker.io",
            auths: ["https://index.docker.io/v1/": #"{"auth":"\#(dockerAuth("hub", "pw-hub-6"))"}"#],
            host: "docker.io", expected: .basic(username: "hub", password: "pw-hub-6")),
        LookupCase(
            label: "Docker Hub key for the API host",
            auths: ["https://index.docker.io/v1/": #"{"auth":"\#(dockerAuth("hub", "pw-hub-6"))"}"#],
            host: "registry-1.docker.io", expected: .basic(username: "hub", password: "pw-hub-6")),
        LookupCase(
            label: "Docker Hub short key index.docker.io",
            auths: ["index.docker.io": #"{"auth":"\#(dockerAuth("hub2", "pw-hub-7"))"}"#],
            host: "docker.io", expected: .basic(username: "hub2", password: "pw-hub-7")),
        LookupCase(
            label: "legacy https:// key",
            auths: [
                "https://us-east1-docker.pkg.dev": #"{"auth":"\#(dockerAuth("oauth2accesstoken", "ya29-tok-8"))"}"#
            ],
            host: "us-east1-docker.pkg.dev", expected: .basic(username: "oauth2accesstoken", password: "ya29-tok-8")),
        LookupCase(
            label: "legacy http://host/v2/ key",
            auths: ["http://reg.example/v2/": #"{"auth":"\#(dockerAuth("u9", "pw-nine-9"))"}"#],
            host: "reg.example", expected: .basic(username: "u9", password: "pw-nine-9")),
        LookupCase(
            label: "host with port", auths: ["127.0.0.1:5000": #"{"auth":"\#(dockerAuth("local", "pw-local-10"))"}"#],
            host: "127.0.0.1:5000", expected: .basic(username: "local", password: "pw-local-10")),
        LookupCase(
            label: "a different port does not match",
            auths: ["127.0.0.1:5000": #"{"auth":"\#(dockerAuth("local", "pw-local-10"))"}"#],
            host: "127.0.0.1:5001", expected: nil),
        LookupCase(
            label: "case-insensitive host", auths: ["GHCR.io": #"{"auth":"\#(dockerAuth("up", "pw-upper-11"))"}"#],
            host: "ghcr.io", expected: .basic(username: "up", password: "pw-upper-11")),
        LookupCase(
            label: "exact key beats a legacy key",
            auths: [
                "https://r2.example/v1/": #"{"auth":"\#(dockerAuth("old", "pw-old-12"))"}"#,
                "r2.example": #"{"auth":"\#(dockerAuth("new", "pw-new-13"))"}"#,
            ],
            host: "r2.example", expected: .basic(username: "new", password: "pw-new-13")),
        LookupCase(
            label: "empty entry is anonymous (a store holds it)", auths: ["ghcr.io": "{}"], host: "ghcr.io",
            expected: nil),
        LookupCase(
            label: "no entry is anonymous", auths: ["ghcr.io": #"{"auth":"\#(dockerAuth("a", "pw-a-14"))"}"#],
            host: "quay.io", expected: nil),
        LookupCase(
            label: "a Docker Hub key does not leak to other hosts",
            auths: ["https://index.docker.io/v1/": #"{"auth":"\#(dockerAuth("hub", "pw-hub-6"))"}"#],
            host: "ghcr.io", expected: nil),
    ]

    @Test("auths lookup", arguments: lookupCases)
    func lookup(_ testCase: LookupCase) async throws {
        let entries = testCase.auths.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ",\n")
        let (credentials, directory) = try provider(#"{"auths": {\#(entries)}}"#)
        defer { directory.remove() }
        let credential = try await credentials.credential(for: testCase.host)
        #expect(credential == testCase.expected)
    }

    @Test("missing config file, missing directory and empty file are anonymous")
    func missingFile() async throws {
        let directory = try AuthTestDirectory("dockercfg-missing")
        defer { directory.remove() }
        let noFile = DockerConfigCredentials(environment: ["DOCKER_CONFIG": directory.path])
        #expect(try await noFile.credential(for: "ghcr.io") == nil)
        let noDirectory = DockerConfigCredentials(environment: ["DOCKER_CONFIG": directory.file("nope")])
        #expect(try await noDirectory.credential(for: "ghcr.io") == nil)
        try directory.write("  \n", to: "config.json")
        #expect(try await noFile.credential(for: "ghcr.io") == nil)
    }

    @Test("HOME/.docker/config.json when DOCKER_CONFIG is unset")
    func homeFallback() async throws {
        let home = try AuthTestDirectory("home")
        defer { home.remove() }
        try home.write(
            #"{"auths":{"ghcr.io":{"auth":"\#(dockerAuth("homer", "pw-home-15"))"}}}"#, to: ".docker/config.json")
        let credentials = DockerConfigCredentials(environment: ["HOME": home.path])
        #expect(credentials.configPath == home.file(".docker/config.json"))
        #expect(try await credentials.credential(for: "ghcr.io") == .basic(username: "homer", password: "pw-home-15"))
    }

    @Test("DOCKER_AUTH_CONFIG comes before the file, and falls back to it")
    func inlineConfig() async throws {
        let inline = #"{"auths":{"ghcr.io":{"auth":"\#(dockerAuth("env", "pw-env-16"))"}}}"#
        let (credentials, directory) = try provider(
            #"{"auths":{"ghcr.io":{"auth":"\#(dockerAuth("file", "pw-file-17"))"},"quay.io":{"auth":"\#(dockerAuth("q", "pw-q-18"))"}}}"#,
            extra: ["DOCKER_AUTH_CONFIG": inline])
        defer { directory.remove() }
        #expect(try await credentials.credential(for: "ghcr.io") == .basic(username: "env", password: "pw-env-16"))
        #expect(try await credentials.credential(for: "quay.io") == .basic(username: "q", password: "pw-q-18"))
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let label: String
        let json: String
        let mustContain: [String]
        var testDescription: String { label }
    }

    static let badCases: [BadCase] = [
        BadCase(
            label: "truncated JSON", json: #"{"auths": {"ghcr.io": {"auth": "#,
            mustContain: ["not a valid docker config file"]),
        BadCase(label: "not JSON at all", json: "auths = yes", mustContain: ["not a valid docker config file"]),
        BadCase(label: "auths is a list", json: #"{"auths": []}"#, mustContain: ["auths", "expected"]),
        BadCase(
            label: "auth is a number", json: #"{"auths": {"ghcr.io": {"auth": 12}}}"#,
            mustContain: [#"auths["ghcr.io"].auth"#, "expected a string"]),
        BadCase(
            label: "auth not base64", json: #"{"auths": {"ghcr.io": {"auth": "pw-secret-%%%-19"}}}"#,
            mustContain: [#"auths["ghcr.io"].auth is not base64"#, "docker login ghcr.io"]),
        BadCase(
            label: "auth without a colon",
            json: #"{"auths": {"ghcr.io": {"auth": "\#(Data("nocolonsecret20".utf8).base64EncodedString())"}}}"#,
            mustContain: [#"does not decode to "user:password""#]),
    ]

    @Test("a corrupt config is one clear line naming the file, without secrets", arguments: badCases)
    func corrupt(_ testCase: BadCase) async throws {
        let (credentials, directory) = try provider(testCase.json)
        defer { directory.remove() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await credentials.credential(for: "ghcr.io")
        }
        let description = try #require(error).description
        #expect(error?.kind == .configuration)
        #expect(description.hasPrefix(directory.file("config.json") + ": "))
        for fragment in testCase.mustContain {
            #expect(description.contains(fragment), "\(description)")
        }
        #expect(!description.contains("\n"))
        for secret in ["pw-secret-%%%-19", "nocolonsecret20"] {
            #expect(!description.contains(secret))
        }
    }

    @Test("Credential descriptions hide secrets")
    func credentialDescription() {
        let credentials: [Credential] = [
            .basic(username: "alice", password: "pw-desc-21"), .identityToken("idtok-desc-22"),
            .registryToken("regtok-desc-23"),
        ]
        let text = credentials.map(\.description).joined(separator: " ")
        #expect(text == #"basic(username: "alice", password: ***) identityToken(***) registryToken(***)"#)
        #expect(
            Credential.basic(username: "u", password: "p").basicAuthorization
                == "Basic " + Data("u:p".utf8).base64EncodedString())
        #expect(Credential.identityToken("x").basicAuthorization == nil)
    }

    @Test("server addresses as docker writes them")
    func serverAddress() {
        #expect(DockerConfigCredentials.serverAddress(for: "docker.io") == "https://index.docker.io/v1/")
        #expect(DockerConfigCredentials.serverAddress(for: "registry-1.docker.io") == "https://index.docker.io/v1/")
        #expect(DockerConfigCredentials.serverAddress(for: "GHCR.IO") == "ghcr.io")
        #expect(DockerConfigCredentials.serverAddress(for: "localhost:5000") == "localhost:5000")
    }

    @Test("StaticCredentials matches hosts like docker does")
    func staticCredentials() async throws {
        let provider = StaticCredentials([
            "docker.io": .basic(username: "hub", password: "pw-static-24"), "ghcr.io": .registryToken("tok-25"),
        ])
        #expect(
            try await provider.credential(for: "registry-1.docker.io")
                == .basic(username: "hub", password: "pw-static-24"))
        #expect(try await provider.credential(for: "GHCR.io") == .registryToken("tok-25"))
        #expect(try await provider.credential(for: "quay.io") == nil)
        #expect(try await StaticCredentials.anonymous.credential(for: "ghcr.io") == nil)
    }
}
