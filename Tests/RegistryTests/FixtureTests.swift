import Foundation
import TestSupport
import Testing

/// Self-tests of `RegistryFixture` and the token server: each mode is a real registry that stores what a real
/// client pushes, and rejects what it must reject. Checked with curl and skopeo, not with the project's client.
@Suite("Registry fixtures")
struct FixtureTests {
    private func credentials(_ registry: RegistryFixture) throws -> String {
        try #require(registry.credentials)
    }

    /// A bearer token with pull+push on `repository` from the fixture's token server.
    private func pushToken(_ registry: RegistryFixture, repository: String, basic: String?) async throws -> String {
        let response = try await FixtureCurl.token(
            from: registry, scopes: ["repository:\(repository):pull,push"], basic: basic)
        #expect(response.status == 200, "token server answered \(response.status): \(response.text)")
        let json = try response.json()
        let token = try #require(json["token"] as? String)
        #expect(json["access_token"] as? String == token)
        #expect((json["expires_in"] as? Int ?? 0) > 0)
        #expect(json["issued_at"] is String)
        return token
    }

    @Test("each mode stores a blob pushed with the right credentials", arguments: RegistryAuthMode.allCases)
    func pushBlob(mode: RegistryAuthMode) async throws {
        let registry = try await RegistryFixture.start(auth: mode)
        defer { registry.stop() }
        #expect(registry.host.hasPrefix("127.0.0.1:"))

        let ping = try await FixtureCurl.request("GET", registry.baseURL + "/v2/")
        let repository = "fixture/\(mode)"
        let blob = Data("fixture blob for \(mode) \(UUID())".utf8)
        let put: FixtureCurl.Response
        switch mode {
        case .none:
            #expect(ping.status == 200)
            #expect(registry.username == nil && registry.password == nil)
            put = try await FixtureCurl.pushBlob(blob, repository: repository, registry: registry)
        case .basic:
            #expect(ping.status == 401)
            #expect(ping.header("WWW-Authenticate") == #"Basic realm="basic-realm""#)
            put = try await FixtureCurl.pushBlob(
                blob, repository: repository, registry: registry, basic: try credentials(registry))
        case .token:
            #expect(ping.status == 401)
            let challenge = try #require(ping.header("WWW-Authenticate"))
            #expect(challenge.hasPrefix("Bearer "))
            #expect(challenge.contains(#"realm="\#(try #require(registry.tokenRealm))""#))
            #expect(challenge.contains(#"service="\#(try #require(registry.tokenService))""#))
            let token = try await pushToken(registry, repository: repository, basic: try credentials(registry))
            put = try await FixtureCurl.pushBlob(blob, repository: repository, registry: registry, bearer: token)
        }
        #expect(put.status == 201, "PUT answered \(put.status): \(put.text)")
        #expect(put.header("Docker-Content-Digest") == sha256Digest(blob))

        // The blob is really stored: it is on disk under the fixture's storage root.
        let hex = String(sha256Digest(blob).dropFirst("sha256:".count))
        let stored = registry.storagePath + "/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
        #expect(FileManager.default.contents(atPath: stored) == blob)
        // … and the registry logged the upload.
        #expect(registry.log().contains("/v2/\(repository)/blobs/uploads/"))
    }

    @Test("stop() kills the fixture's own processes and removes its directory")
    func stopCleansUp() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        let pids = registry.processIDs
        #expect(pids.count == 2)
        #expect(registry.isRunning)
        #expect(FileManager.default.fileExists(atPath: registry.directory))
        registry.stop()
        for pid in pids {
            #expect(kill(pid, 0) == -1 && errno == ESRCH, "pid \(pid) still exists after stop()")
        }
        #expect(!FileManager.default.fileExists(atPath: registry.directory))
        let refused = try await ExternalTool.runAsync("curl", ["-s", "--max-time", "5", registry.baseURL + "/v2/"])
        #expect(refused.status == 7, "curl exit \(refused.status): the port still answers")
        registry.stop()  // idempotent
    }

    @Test("basic auth rejects a wrong password and no credentials")
    func basicRejectsWrongPassword() async throws {
        let registry = try await RegistryFixture.start(auth: .basic)
        defer { registry.stop() }
        let user = try #require(registry.username)
        let wrong = try await FixtureCurl.request("GET", registry.baseURL + "/v2/", basic: "\(user):not-the-password")
        #expect(wrong.status == 401)
        #expect(wrong.text.contains("UNAUTHORIZED"))
        let blob = Data("never stored".utf8)
        let upload = try await FixtureCurl.pushBlob(
            blob, repository: "fixture/basic", registry: registry, basic: "\(user):not-the-password")
        #expect(upload.status == 401)
        let anonymous = try await FixtureCurl.pushBlob(blob, repository: "fixture/basic", registry: registry)
        #expect(anonymous.status == 401)
        let right = try await FixtureCurl.request("GET", registry.baseURL + "/v2/", basic: try credentials(registry))
        #expect(right.status == 200)
    }

    @Test("the token server refuses a wrong password; the registry refuses tokens without the scope")
    func tokenRejections() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let user = try #require(registry.username)

        let wrong = try await FixtureCurl.token(
            from: registry, scopes: ["repository:fixture/token:pull,push"], basic: "\(user):wrong")
        #expect(wrong.status == 401)
        #expect(wrong.text.contains(#""code": "UNAUTHORIZED""#))
        #expect(!wrong.text.contains("token\":"))

        // Anonymous: a token with empty access, which the registry refuses with insufficient_scope.
        let anonymous = try await FixtureCurl.token(
            from: registry, scopes: ["repository:fixture/token:pull,push"], basic: nil)
        #expect(anonymous.status == 200)
        let anonymousToken = try #require(try anonymous.json()["token"] as? String)
        let denied = try await FixtureCurl.pushBlob(
            Data("x".utf8), repository: "fixture/token", registry: registry, bearer: anonymousToken)
        #expect(denied.status == 401)
        #expect(denied.header("WWW-Authenticate")?.contains(#"error="insufficient_scope""#) == true)

        // A pull-only token cannot push.
        let pullOnly = try await FixtureCurl.token(
            from: registry, scopes: ["repository:fixture/token:pull"], basic: try credentials(registry))
        let pullToken = try #require(try pullOnly.json()["token"] as? String)
        let pushWithPull = try await FixtureCurl.pushBlob(
            Data("y".utf8), repository: "fixture/token", registry: registry, bearer: pullToken)
        #expect(pushWithPull.status == 401)

        // A token not signed by the trusted key is invalid.
        let garbage = try await FixtureCurl.request(
            "GET", registry.baseURL + "/v2/", bearer: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        #expect(garbage.status == 401)
        #expect(garbage.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)

        // The token log records requests without secrets.
        let log = registry.tokenLog()
        #expect(log.contains("repository:fixture/token:pull,push"))
        #expect(!log.contains(try #require(registry.password)))
    }

    @Test("GAR-style grants follow the config file, re-read per request")
    func garStyleGrants() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let access = "oauth2accesstoken:\(RegistryFixture.garAccessToken)"
        let project = RegistryFixture.garProject

        func granted(_ repository: String, basic: String?) async throws -> [[String: Any]] {
            let response = try await FixtureCurl.token(
                from: registry, scopes: ["repository:\(repository):pull,push"], basic: basic)
            #expect(response.status == 200, "\(response.status): \(response.text)")
            let token = try #require(try response.json()["token"] as? String)
            return try Self.accessClaim(of: token)
        }

        let created = try await granted("\(project)/created-repo/app", basic: access)
        #expect(created.count == 1)
        #expect(created.first?["actions"] as? [String] == ["pull", "push"])
        #expect(try await granted("\(project)/missing-repo/app", basic: access).isEmpty)
        #expect(try await granted("other-project/created-repo/app", basic: access).isEmpty)
        // `_token` is an alias of oauth2accesstoken.
        #expect(
            try await granted("\(project)/created-repo/app", basic: "_token:\(RegistryFixture.garAccessToken)")
                .count == 1)

        // "Create" the repository and add a service-account key login: no restart needed.
        var config = try #require(registry.initialTokenConfig)
        config.projects[project, default: []].append("missing-repo")
        config.accounts.append(
            .init(
                jsonKey: ["client_email": "ci@\(project).iam.gserviceaccount.com"],
                grants: [.project(project, actions: ["pull"])]))
        try registry.updateTokenConfig(config)
        #expect(try await granted("\(project)/missing-repo/app", basic: access).count == 1)

        let key = #"{"type":"service_account","client_email":"ci@\#(project).iam.gserviceaccount.com"}"#
        let viaKey = try await granted("\(project)/missing-repo/app", basic: "_json_key:\(key)")
        #expect(viaKey.first?["actions"] as? [String] == ["pull"])
        let viaBase64 = try await granted(
            "\(project)/created-repo/app", basic: "_json_key_base64:\(Data(key.utf8).base64EncodedString())")
        #expect(viaBase64.first?["actions"] as? [String] == ["pull"])
        let otherKey = #"{"client_email":"someone@else.iam.gserviceaccount.com"}"#
        let refused = try await FixtureCurl.token(
            from: registry, scopes: ["repository:\(project)/created-repo/app:pull"], basic: "_json_key:\(otherKey)")
        #expect(refused.status == 401)

        // The granted token really lets the access-token user push into the created repository.
        let token = try #require(
            try await FixtureCurl.token(
                from: registry, scopes: ["repository:\(project)/created-repo/app:pull,push"], basic: access
            ).json()["token"] as? String)
        let put = try await FixtureCurl.pushBlob(
            Data("gar blob".utf8), repository: "\(project)/created-repo/app", registry: registry, bearer: token)
        #expect(put.status == 201)
    }

    @Test("POST token flows: password with offline access gives a refresh token that works")
    func postTokenFlows() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let service = try #require(registry.tokenService)
        let scope = "repository:fixture/post:pull,push"
        let login = try await FixtureCurl.postToken(
            to: registry,
            form: [
                "grant_type": "password", "username": try #require(registry.username),
                "password": try #require(registry.password), "service": service, "scope": scope,
                "client_id": "imagespec-tests", "access_type": "offline",
            ])
        #expect(login.status == 200, "\(login.status): \(login.text)")
        let refresh = try #require(try login.json()["refresh_token"] as? String)
        #expect(try login.json()["scope"] as? String == scope)

        let renewed = try await FixtureCurl.postToken(
            to: registry,
            form: [
                "grant_type": "refresh_token", "refresh_token": refresh, "service": service, "scope": scope,
                "client_id": "imagespec-tests",
            ])
        #expect(renewed.status == 200, "\(renewed.status): \(renewed.text)")
        let token = try #require(try renewed.json()["access_token"] as? String)
        let put = try await FixtureCurl.pushBlob(
            Data("pushed with a refreshed token".utf8), repository: "fixture/post", registry: registry, bearer: token)
        #expect(put.status == 201)

        let badRefresh = try await FixtureCurl.postToken(
            to: registry, form: ["grant_type": "refresh_token", "refresh_token": "rt-nope", "service": service])
        #expect(badRefresh.status == 401)
        let badPassword = try await FixtureCurl.postToken(
            to: registry,
            form: ["grant_type": "password", "username": "imagespec", "password": "wrong", "service": service])
        #expect(badPassword.status == 401)
        let unsupported = try await FixtureCurl.postToken(
            to: registry, form: ["grant_type": "client_credentials", "service": service])
        #expect(unsupported.status == 400)
    }

    @Test(
        "skopeo pushes a umoci-built image into each mode; the registry serves the same manifest",
        arguments: RegistryAuthMode.allCases)
    func baseImage(mode: RegistryAuthMode) async throws {
        let registry = try await RegistryFixture.start(auth: mode)
        defer { registry.stop() }
        let image = try await BaseImageFixture.push(to: registry, repository: "base/busybox", tag: "1")
        #expect(image.reference == "\(registry.host)/base/busybox:1")
        var arguments = ["inspect", "--raw", "--tls-verify=false"]
        if let credentials = registry.credentials { arguments += ["--creds", credentials] }
        let raw = try await ExternalTool.runAsync("skopeo", arguments + ["docker://\(image.reference)"]).check()
        #expect(sha256Digest(raw.stdoutData) == image.manifestDigest)
        let manifest = try #require(try JSONSerialization.jsonObject(with: raw.stdoutData) as? [String: Any])
        let layers = try #require(manifest["layers"] as? [[String: Any]])
        #expect(layers.count == 1)
        #expect(layers.first?["mediaType"] as? String == "application/vnd.oci.image.layer.v1.tar+gzip")
    }

    @Test("a Docker v2s2 base image is stored with the Docker media type")
    func baseImageDockerFormat() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let image = try await BaseImageFixture.push(to: registry, repository: "base/docker", format: .dockerV2S2)
        let head = try await FixtureCurl.request(
            "HEAD", "\(registry.baseURL)/v2/base/docker/manifests/\(image.tag)",
            headers: ["Accept: application/vnd.docker.distribution.manifest.v2+json"])
        #expect(head.status == 200)
        #expect(head.header("Content-Type") == image.manifestMediaType)
        #expect(head.header("Docker-Content-Digest") == image.manifestDigest)
        // The busybox rootfs is really in the layer (when busybox-static is installed).
        if image.hasBusybox {
            let scratch = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let rootless = getuid() == 0 ? [] : ["--rootless"]
            try ExternalTool.run(
                "umoci", ["unpack"] + rootless + ["--image", image.layoutPath + ":latest", scratch + "/bundle"]
            ).check()
            let sh = try await ExternalTool.runAsync(scratch + "/bundle/rootfs/bin/sh", ["-c", "echo from-image"])
            #expect(sh.stdout == "from-image\n")
        }
    }

    /// Decodes the `access` claim of a JWT (no signature check: the registry does that in the other tests).
    static func accessClaim(of token: String) throws -> [[String: Any]] {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let data = try #require(Data(base64Encoded: payload))
        let claims = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(claims["access"] as? [[String: Any]])
    }
}
