import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// What the real `docker-registry` sees, read from its access log: `imagespec exists` is one request on a registry
/// without auth (no `/v2/` ping), two with Basic or token auth (the 401 that teaches the scheme, then the real
/// answer) plus one token request; a push sends each blob body once.
@Suite("registry client: requests seen by docker-registry", .timeLimit(.minutes(3)))
struct IntegrationRequestCountTests {
    /// One access-log line: `METHOD path STATUS`, for requests our client sent.
    static func accessLog(_ registry: RegistryFixture, after offset: Int) -> [String] {
        let log = registry.log()
        let text = log.utf8.count > offset ? String(log.utf8.dropFirst(offset)) ?? "" : ""
        return text.split(separator: "\n").compactMap { line -> String? in
            // 127.0.0.1 - - [date] "HEAD /v2/a/manifests/1 HTTP/1.1" 200 91 "" "imagespec/0.1 (…)"
            guard line.contains("\"imagespec/"), let open = line.firstIndex(of: "\"") else { return nil }
            let quoted = line[line.index(after: open)...]
            guard let close = quoted.firstIndex(of: "\"") else { return nil }
            let request = quoted[..<close].split(separator: " ")
            let status = quoted[quoted.index(after: close)...].split(separator: " ").first
            guard request.count == 3, let status else { return nil }
            return "\(request[0]) \(request[1].prefix { $0 != "?" }) \(status)"
        }
    }

    /// The access-log lines after `offset` once the registry has logged everything before now: a marker request
    /// (`GET /v2/?settled=UUID`, sent after the requests under test) is waited for in the log — the registry logs
    /// each request after answering it, so once the marker is there, the earlier ones are too. No fixed sleep.
    static func settledAccessLog(_ registry: RegistryFixture, after offset: Int, atLeast minimum: Int) async throws
        -> [String]
    {
        let marker = "/v2/?settled=\(UUID().uuidString)"
        _ = try await ExternalTool.runAsync(
            "curl", ["-s", "-o", "/dev/null", "-k", registry.baseURL + marker], timeout: .seconds(10))
        let deadline = ContinuousClock.now + .seconds(5)
        while !registry.log().contains(marker) || accessLog(registry, after: offset).count < minimum,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(10))
        }
        return accessLog(registry, after: offset)
    }

    @Test(
        "`imagespec exists`: 1 request without auth, 2 with Basic, 2 plus one token with token auth",
        arguments: RegistryAuthMode.allCases)
    func existsRequestCount(auth: RegistryAuthMode) async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let registry = try await RegistryFixture.start(auth: auth)
        defer { registry.stop() }
        let home = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try registry.dockerConfigJSON().write(toFile: home + "/config.json", atomically: true, encoding: .utf8)
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")
        let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference)
        try await client.putManifest(raw, to: reference)

        _ = try await Self.settledAccessLog(registry, after: 0, atLeast: 1)
        let offset = registry.log().utf8.count
        let tokensBefore = registry.tokenLog().split(separator: "\n").count
        let result = try await ExternalTool.runAsync(
            binary, ["exists", reference.description],
            environment: ["DOCKER_CONFIG": home, "HOME": home],
            unsetting: ["IMAGESPEC_REGISTRIES_CONF", "DOCKER_AUTH_CONFIG", "REGISTRY_AUTH_FILE"], timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(reference.pinned(to: raw.digest).description)\n")

        let head = "HEAD /v2/team/app/manifests/v1"
        let expected = auth == .none ? ["\(head) 200"] : ["\(head) 401", "\(head) 200"]
        let seen = try await Self.settledAccessLog(registry, after: offset, atLeast: expected.count)
        #expect(seen == expected)
        let tokens = registry.tokenLog().split(separator: "\n").count - tokensBefore
        #expect(tokens == (auth == .token ? 1 : 0))
    }

    @Test("a push with token auth: each blob body is PUT once and no PUT meets a 401")
    func pushSendsBodiesOnce() async throws {
        let registry = try await RegistryFixture.start(auth: .token)
        defer { registry.stop() }
        let client = ClientTestSupport.client(for: registry)
        let reference = try ClientTestSupport.reference(registry.host, "team/app", tag: "v1")
        let offset = registry.log().utf8.count
        let raw = try await ClientTestSupport.pushImageBlobs(client, to: reference, layerSize: 2 * 1024 * 1024)
        try await client.putManifest(raw, to: reference)
        let seen = try await Self.settledAccessLog(registry, after: offset, atLeast: 6)
        let puts = seen.filter { $0.hasPrefix("PUT ") }
        #expect(puts.filter { $0.hasPrefix("PUT /v2/team/app/blobs/uploads/") }.count == 2, "\(seen)")
        #expect(puts.filter { $0.hasPrefix("PUT /v2/team/app/manifests/v1") } == ["PUT /v2/team/app/manifests/v1 201"])
        #expect(!puts.contains { $0.hasSuffix(" 401") }, "\(seen)")
        // Only the very first request of the push met the challenge.
        #expect(seen.filter { $0.hasSuffix(" 401") } == ["POST /v2/team/app/blobs/uploads/ 401"], "\(seen)")
        #expect(!seen.contains { $0.hasPrefix("GET /v2/ ") })
    }
}
