import Foundation
import GoogleCloud
import Registry
import TestSupport
import Testing

@Suite("Application Default Credentials")
struct AccessTokenProviderTests {
    @Test("service_account key: RS256 JWT verified by the token endpoint, token cached")
    func serviceAccountGrant() async throws {
        let account = try TestServiceAccount()
        let oauth = try await OAuthEmulator.start(serviceAccount: account)
        let directory = try makeTemporaryDirectory()
        let path = try account.write(tokenURI: oauth.tokenURI, in: directory)
        let credentials = try GoogleCredentials.find(
            environment: ["GOOGLE_APPLICATION_CREDENTIALS": path, "HOME": directory])
        guard case .serviceAccount(let key) = credentials else {
            Issue.record("expected a service account, got \(credentials)")
            await oauth.shutdown()
            return
        }
        #expect(key.clientEmail == account.email)
        #expect(!"\(credentials)".contains(account.secretLines[1]))
        let provider = AccessTokenProvider(credentials: credentials)
        let token = try await provider.accessToken()
        let again = try await provider.accessToken()
        #expect(oauth.rejections.isEmpty)
        #expect(oauth.issued == [token.value])
        #expect(again == token)
        #expect(oauth.requestCount == 1)
        #expect(!token.description.contains(token.value))
        await oauth.shutdown()
    }

    @Test("concurrent callers share one token request")
    func concurrentCallersShareOneRequest() async throws {
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(user: user)
        let home = try makeTemporaryDirectory()
        let path = try user.write(in: home)
        let provider = AccessTokenProvider(
            credentials: try GoogleCredentials.load(path: path, tokenURIOverride: oauth.tokenURI))
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.accessToken().value } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
        #expect(oauth.requestCount == 1)
        #expect(await provider.tokenRequests == 1)
        await oauth.shutdown()
    }

    @Test("a JWT signed by another key is refused by the emulator: one clear line")
    func wrongKeyIsRefused() async throws {
        let account = try TestServiceAccount()
        let impostor = try TestServiceAccount()
        let oauth = try await OAuthEmulator.start(serviceAccount: account)
        let directory = try makeTemporaryDirectory()
        // Same identity, other key: the signature cannot verify.
        let data = try impostor.json(tokenURI: oauth.tokenURI)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["private_key_id"] = account.keyID
        object["client_email"] = account.email
        let path = directory + "/key.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        let provider = AccessTokenProvider(credentials: try GoogleCredentials.load(path: path))
        let error = await #expect(throws: GoogleCloudError.self) { try await provider.accessToken() }
        #expect(oauth.rejections == ["bad signature"])
        #expect(error?.description.contains("Google refused the credentials") == true)
        #expect(error?.description.contains(account.email) == true)
        await oauth.shutdown()
    }

    @Test("authorized_user from gcloud's well-known file (CLOUDSDK_CONFIG and HOME): refresh-token grant")
    func authorizedUserGrant() async throws {
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(user: user)
        for viaCloudSDKConfig in [true, false] {
            let home = try makeTemporaryDirectory()
            let gcloud = viaCloudSDKConfig ? home + "/gcloud-config" : home + "/.config/gcloud"
            try FileManager.default.createDirectory(atPath: gcloud, withIntermediateDirectories: true)
            let path = try user.write(in: gcloud)
            let environment = viaCloudSDKConfig ? ["HOME": home, "CLOUDSDK_CONFIG": gcloud] : ["HOME": home]
            let credentials = try GoogleCredentials.find(environment: environment, tokenURIOverride: oauth.tokenURI)
            #expect("\(credentials)".contains(path))
            let token = try await AccessTokenProvider(credentials: credentials).accessToken()
            #expect(oauth.issued.last == token.value)
        }
        #expect(oauth.rejections.isEmpty)
        await oauth.shutdown()
    }

    @Test("metadata server at GCE_METADATA_HOST with Metadata-Flavor: Google")
    func metadataServer() async throws {
        let token = "ya29.metadata-\(UUID().uuidString)"
        let server = try await FakeHTTPServer.start { request in
            guard request.path == "/computeMetadata/v1/instance/service-accounts/default/token",
                request.header("Metadata-Flavor") == "Google"
            else { return .text(403, "missing Metadata-Flavor") }
            return .json(
                200, #"{"access_token":"\#(token)","expires_in":3599,"token_type":"Bearer"}"#,
                headers: [("Metadata-Flavor", "Google")])
        }
        let home = try makeTemporaryDirectory()
        let credentials = try GoogleCredentials.find(environment: ["HOME": home, "GCE_METADATA_HOST": server.host])
        #expect("\(credentials)" == "metadata server \(server.host)")
        let provider = AccessTokenProvider(credentials: credentials)
        #expect(try await provider.accessToken().value == token)
        #expect(try await provider.accessToken().value == token)
        #expect(server.requests.count == 1)
        await server.shutdown()
    }

    @Test("a metadata server that hangs: a clear error after the (injected) timeout")
    func metadataServerHangs() async throws {
        let server = try await FakeHTTPServer.start { _ in
            try? await Task.sleep(for: .seconds(2))
            return .text(500, "too late")
        }
        let home = try makeTemporaryDirectory()
        let credentials = try GoogleCredentials.find(environment: ["HOME": home, "GCE_METADATA_HOST": server.host])
        let provider = AccessTokenProvider(credentials: credentials, metadataTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        let error = await #expect(throws: GoogleCloudError.self) { try await provider.accessToken() }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .milliseconds(1500))
        let message = error?.description ?? ""
        #expect(message.contains("no answer from http://\(server.host)/computeMetadata"), "\(message)")
        #expect(message.contains("within 300 ms"))
        #expect(message.contains("GOOGLE_APPLICATION_CREDENTIALS"))
        await server.shutdown()
    }

    @Test("expired token is refreshed once; a revoked login then gives one clear line")
    func expiredThenRevoked() async throws {
        let user = TestAuthorizedUser()
        let oauth = try await OAuthEmulator.start(user: user)
        oauth.setExpiresIn(30)  // within the 60 s margin: stale at once
        let home = try makeTemporaryDirectory()
        let path = try user.write(in: home)
        let provider = AccessTokenProvider(
            credentials: try GoogleCredentials.load(path: path, tokenURIOverride: oauth.tokenURI))
        let first = try await provider.accessToken()
        let second = try await provider.accessToken()
        #expect(first != second)
        #expect(oauth.requestCount == 2)
        oauth.revoke()
        let error = await #expect(throws: GoogleCloudError.self) { try await provider.accessToken() }
        #expect(oauth.requestCount == 3)
        let message = error?.description ?? ""
        #expect(message.contains("invalid_grant"))
        #expect(message.contains("run `gcloud auth application-default login`"))
        #expect(message.contains(path))
        #expect(!message.contains(user.refreshToken) && !message.contains(user.clientSecret))
        await oauth.shutdown()
    }

    @Test(arguments: [
        ("not json", "not a JSON object"),
        (#"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com"}"#, "missing \"private_key\""),
        (
            #"{"type":"service_account","client_email":"a@b.iam.gserviceaccount.com","#
                + #""private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}"#,
            "private_key is not a PEM RSA private key"
        ),
        (#"{"type":"authorized_user","client_id":"x","client_secret":"y"}"#, "missing \"refresh_token\""),
        (#"{"type":"external_account"}"#, "credentials type \"external_account\" is not supported"),
        (#"{"client_id":"x"}"#, "missing \"type\""),
    ])
    func malformedKeyFiles(_ content: String, _ problem: String) throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/key.json"
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: GoogleCloudError.self) {
            try GoogleCredentials.find(environment: ["GOOGLE_APPLICATION_CREDENTIALS": path, "HOME": directory])
        }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(path + ": "), "\(message)")
        #expect(message.contains(problem), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func missingCredentialsFileNamedByTheVariable() throws {
        let error = #expect(throws: GoogleCloudError.self) {
            try GoogleCredentials.find(environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"])
        }
        #expect(
            error?.description.hasPrefix("GOOGLE_APPLICATION_CREDENTIALS=/nonexistent/key.json: no such file") == true)
    }

    @Test func noFileMeansImplicitMetadataServer() throws {
        let home = try makeTemporaryDirectory()
        let credentials = try GoogleCredentials.find(environment: ["HOME": home])
        guard case .metadataServer(let host, let explicit) = credentials else {
            Issue.record("expected the metadata server, got \(credentials)")
            return
        }
        #expect(host == "metadata.google.internal")
        #expect(!explicit)
    }

    @Test(
        "GCE_METADATA_IP moves the implicit metadata server; GCE_METADATA_HOST makes it explicit and wins",
        arguments: [
            (["GCE_METADATA_IP": "127.0.0.1:7"], "127.0.0.1:7", false),
            (["GCE_METADATA_HOST": "127.0.0.1:8"], "127.0.0.1:8", true),
            (["GCE_METADATA_HOST": "127.0.0.1:8", "GCE_METADATA_IP": "127.0.0.1:7"], "127.0.0.1:8", true),
            (["GCE_METADATA_IP": ""], "metadata.google.internal", false),
        ])
    func metadataServerVariables(_ variables: [String: String], _ wantedHost: String, _ wantedExplicit: Bool) throws {
        let home = try makeTemporaryDirectory()
        let credentials = try GoogleCredentials.find(environment: ["HOME": home].merging(variables) { $1 })
        guard case .metadataServer(let host, let explicit) = credentials else {
            Issue.record("expected the metadata server, got \(credentials)")
            return
        }
        #expect(host == wantedHost)
        #expect(explicit == wantedExplicit)
    }
}
