import Foundation
import GoogleCloud
import OCI
import Registry
import TestSupport
import Testing

@Suite("Google credential provider")
struct GoogleCredentialProviderTests {
    /// An environment with an empty HOME (no docker config, no gcloud file) plus `extra`.
    static func environment(home: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": home, "PATH": "/usr/bin:/bin"].merging(extra) { $1 }
    }

    static func writeDockerConfig(_ json: String, home: String) throws {
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try json.write(toFile: home + "/.docker/config.json", atomically: true, encoding: .utf8)
    }

    @Test("other hosts go to the docker config unchanged, never to ADC")
    func nonGoogleHostUsesInnerOnly() async throws {
        let home = try makeTemporaryDirectory()
        let auth = Data("alice:s3cret-Passw0rd".utf8).base64EncodedString()
        try Self.writeDockerConfig(#"{"auths":{"ghcr.io":{"auth":"\#(auth)"}}}"#, home: home)
        // A metadata host that refuses connections: it must not even be asked.
        let provider = GoogleCredentialProvider(
            environment: Self.environment(home: home, ["GCE_METADATA_HOST": "127.0.0.1:9"]))
        #expect(try await provider.credential(for: "ghcr.io") == .basic(username: "alice", password: "s3cret-Passw0rd"))
        #expect(try await provider.credential(for: "quay.io") == nil)
        #expect(try await provider.whoami(host: "quay.io") == .anonymous)
    }

    @Test("_json_key and _json_key_base64 docker config entries pass through as basic credentials")
    func jsonKeyPassThrough() async throws {
        let home = try makeTemporaryDirectory()
        let key = #"{"type":"service_account","client_email":"x@p.iam.gserviceaccount.com"}"#
        let plain = Data("_json_key:\(key)".utf8).base64EncodedString()
        let encoded = Data("_json_key_base64:\(Data(key.utf8).base64EncodedString())".utf8).base64EncodedString()
        try Self.writeDockerConfig(
            #"{"auths":{"us-east1-docker.pkg.dev":{"auth":"\#(plain)"},"#
                + #""europe-docker.pkg.dev":{"auth":"\#(encoded)"}}}"#,
            home: home)
        let provider = GoogleCredentialProvider(environment: Self.environment(home: home))
        #expect(
            try await provider.credential(for: "us-east1-docker.pkg.dev")
                == .basic(username: "_json_key", password: key))
        #expect(
            try await provider.credential(for: "europe-docker.pkg.dev")
                == .basic(username: "_json_key_base64", password: Data(key.utf8).base64EncodedString()))
        let source = try await provider.whoami(host: "us-east1-docker.pkg.dev")
        #expect(source == .dockerConfigEntry(username: "_json_key", configFile: home + "/.docker/config.json"))
        #expect(!source.description.contains("client_email"))
    }

    @Test("credHelpers → docker-credential-gcloud (what gcloud auth configure-docker writes) answers first")
    func gcloudCredentialHelper() async throws {
        let home = try makeTemporaryDirectory()
        let bin = home + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let helper = bin + "/docker-credential-gcloud"
        try """
        #!/bin/sh
        read server
        printf '{"ServerURL":"%s","Username":"_dcgcloud_token","Secret":"ya29.helper-token-XYZ"}' "$server"
        """.write(toFile: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper)
        try Self.writeDockerConfig(#"{"credHelpers":{"us-east1-docker.pkg.dev":"gcloud"}}"#, home: home)
        let provider = GoogleCredentialProvider(
            environment: ["HOME": home, "PATH": "\(bin):/usr/bin:/bin", "GCE_METADATA_HOST": "127.0.0.1:9"])
        #expect(
            try await provider.credential(for: "us-east1-docker.pkg.dev")
                == .basic(username: "_dcgcloud_token", password: "ya29.helper-token-XYZ"))
        let source = try await provider.whoami(host: "us-east1-docker.pkg.dev")
        #expect(source == .dockerCredentialHelper(name: "gcloud", configFile: home + "/.docker/config.json"))
        #expect(source.description.contains("docker-credential-gcloud"))
        #expect(!source.description.contains("helper-token"))
    }

    @Test("no docker config entry: ADC service account → oauth2accesstoken, whoami names the e-mail")
    func adcFallback() async throws {
        let account = try TestServiceAccount()
        let oauth = try await OAuthEmulator.start(serviceAccount: account)
        let home = try makeTemporaryDirectory()
        let path = try account.write(tokenURI: oauth.tokenURI, in: home)
        let provider = GoogleCredentialProvider(
            environment: Self.environment(home: home, ["GOOGLE_APPLICATION_CREDENTIALS": path]))
        let credential = try await provider.credential(for: "gcr.io")
        let token = try #require(oauth.issued.first)
        #expect(credential == .basic(username: "oauth2accesstoken", password: token))
        let source = try await provider.whoami(host: "docker.europe-west3.rep.pkg.dev")
        #expect(source == .serviceAccount(email: account.email, keyFile: path))
        #expect(oauth.requestCount == 1)  // cached across hosts and calls
        await oauth.shutdown()
    }

    @Test("credHelpers names a missing docker-credential-gcloud: ADC stands in, with a warning")
    func missingHelperFallsBackToADC() async throws {
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(user: user)
        let home = try makeTemporaryDirectory()
        try Self.writeDockerConfig(#"{"credHelpers":{"us-east1-docker.pkg.dev":"gcloud"}}"#, home: home)
        let output = LogCapture()
        // PATH without any docker-credential-gcloud (the machine may have a real one in /usr/bin).
        let emptyBin = home + "/empty-bin"
        try FileManager.default.createDirectory(atPath: emptyBin, withIntermediateDirectories: true)
        // The implicit metadata server refuses at once (a GCE runner's real one must never stand in).
        let environment = [
            "HOME": home, "PATH": emptyBin, "CLOUDSDK_CONFIG": home,
            "GCE_METADATA_IP": try GarEmulator.unreachableMetadataAddress(),
        ]
        // Without an ADC file the helper's own error is what the user sees.
        let withoutADC = GoogleCredentialProvider(
            environment: environment, tokenURIOverride: oauth.tokenURI, logger: output.logger)
        let error = await #expect(throws: RegistryError.self) {
            try await withoutADC.credential(for: "us-east1-docker.pkg.dev")
        }
        #expect(error?.description.contains("docker-credential-gcloud") == true, "\(error.map { "\($0)" } ?? "")")
        _ = try user.write(in: home)
        let withADC = GoogleCredentialProvider(
            environment: environment, tokenURIOverride: oauth.tokenURI, logger: output.logger)
        let credential = try await withADC.credential(for: "us-east1-docker.pkg.dev")
        #expect(credential == .basic(username: "oauth2accesstoken", password: try #require(oauth.issued.first)))
        #expect(output.lines.contains { $0.hasPrefix("warning") && $0.contains("docker-credential-gcloud") })
        await oauth.shutdown()
    }

    @Test("no docker config, no ADC file, no metadata server: anonymous, quickly")
    func anonymousWithoutAnything() async throws {
        let home = try makeTemporaryDirectory()
        // The implicit metadata server (GCE_METADATA_IP, as Google's libraries probe it) refuses the connection on
        // any machine: not on GCE/GKE, so anonymous (nil), not an error — and quickly.
        let address = try GarEmulator.unreachableMetadataAddress()
        let output = LogCapture()
        let provider = GoogleCredentialProvider(
            environment: Self.environment(home: home, ["GCE_METADATA_IP": address]), metadataTimeout: .seconds(1),
            logger: output.logger)
        let started = ContinuousClock.now
        #expect(try await provider.credential(for: "us-docker.pkg.dev") == nil)
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(try await provider.whoami(host: "us-docker.pkg.dev") == .anonymous)
        // The refused server was the one asked, and only once for both hosts.
        let asked = output.lines.filter { $0.contains("no metadata server: anonymous") }
        #expect(asked.count == 1, "\(output.lines)")
        #expect(asked.first?.contains(address) == true, "\(asked)")
    }

    @Test("a configured but failing ADC source is an error of kind credentials, not anonymous")
    func explicitMetadataHostDown() async throws {
        let home = try makeTemporaryDirectory()
        let provider = GoogleCredentialProvider(
            environment: Self.environment(home: home, ["GCE_METADATA_HOST": "127.0.0.1:9"]))
        let error = await #expect(throws: RegistryError.self) {
            try await provider.credential(for: "us-east1-docker.pkg.dev")
        }
        #expect(error?.kind == .credentials)
        #expect(error?.description.contains("metadata server 127.0.0.1:9") == true)
    }

    @Test("end to end: push to a GAR-named repository through a token-auth registry with an ADC access token")
    func endToEndPush() async throws {
        let account = try TestServiceAccount()
        let accessToken = "ya29.e2e-\(UUID().uuidString)"
        let oauth = try await OAuthEmulator.start(serviceAccount: account, accessToken: accessToken)
        let registry = try await RegistryFixture.start(
            auth: .token,
            tokenConfig: TokenServerConfig(
                accounts: [
                    .init(username: "oauth2accesstoken", password: accessToken, grants: [.project("test-project")])
                ],
                projects: ["test-project": ["created-repo"]]))
        defer { registry.stop() }
        let home = try makeTemporaryDirectory()
        let keyPath = try account.write(tokenURI: oauth.tokenURI, in: home)
        let output = LogCapture()
        let configuration = try RegistriesConfiguration(
            parsing: """
                [[registry]]
                prefix = "us-east1-docker.pkg.dev"
                location = "\(registry.host)"
                """, path: home + "/registries.conf")
        let reference = try Reference("us-east1-docker.pkg.dev/test-project/created-repo/img:1")
        let mapped = GoogleCredentialProvider.mappedGoogleHosts(
            for: [reference, try Reference("ghcr.io/a/b:1")], configuration: configuration)
        #expect(mapped == [registry.host])
        let provider = GoogleCredentialProvider(
            environment: Self.environment(home: home, ["GOOGLE_APPLICATION_CREDENTIALS": keyPath]),
            additionalHosts: mapped, logger: output.logger)
        let client = RegistryClient(credentials: provider, configuration: configuration, logger: output.logger)

        let path = try #require(try ArtifactRegistryPath(reference))
        #expect(path.repository == "created-repo" && path.image == "img")
        let config = try await client.uploadBlob(
            Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8),
            mediaType: MediaType.ociConfig, to: reference)
        let manifest = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":{"mediaType":"\(MediaType.ociConfig)",\
            "digest":"\(config.digest)","size":\(config.size)},"layers":[]}
            """
        let digest = try await client.putManifest(Data(manifest.utf8), mediaType: MediaType.ociManifest, to: reference)
        #expect(try await client.headManifest(reference)?.digest == digest)
        #expect(oauth.rejections.isEmpty)
        #expect(registry.tokenLog().contains("test-project/created-repo/img"))

        // A repository that was not "created" is refused.
        let missing = try Reference("us-east1-docker.pkg.dev/test-project/missing-repo/img:1")
        let error = await #expect(throws: RegistryError.self) {
            try await client.uploadBlob(Data("x".utf8), to: missing)
        }
        if let error { output.record(error.description) }
        #expect(output.leaked([accessToken] + account.secretLines).isEmpty)
        await oauth.shutdown()
    }
}
