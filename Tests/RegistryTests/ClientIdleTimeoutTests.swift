import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// Idle timeouts and `Retry-After` on upload restarts, in process: the fake server plays the registry and a
/// ``FaultProxy`` in front of it stalls what a real registry will not stall on demand.
@Suite("registry client: idle timeouts and upload restarts", .serialized, .timeLimit(.minutes(2)))
struct ClientIdleTimeoutTests {
    /// A minimal upload-capable registry: sessions, monolithic PUTs (digest checked), one manifest.
    static func startRegistry() async throws -> FakeHTTPServer {
        let tally = ClientTally()
        return try await FakeHTTPServer.start { request in
            switch (request.method, request.path) {
            case (_, "/v2/"):
                return ClientFakeRegistry.apiRoot
            case ("GET", "/v2/app/manifests/v1"):
                return ClientFakeRegistry.manifest()
            case ("POST", "/v2/app/blobs/uploads/"):
                let session = tally.next("session")
                return FakeResponse(status: 202, headers: [("Location", "/v2/app/blobs/uploads/s\(session)")])
            case ("PUT", let path) where path.hasPrefix("/v2/app/blobs/uploads/"):
                let received = Digest.sha256(request.body)
                guard request.query["digest"] == received.description else {
                    return .registryError(400, code: "DIGEST_INVALID", message: "digest mismatch")
                }
                return FakeResponse(status: 201, headers: [("Docker-Content-Digest", received.description)])
            default:
                return .registryError(404, code: "NAME_UNKNOWN", message: "no")
            }
        }
    }

    static func client(idle: Duration, budget: Duration) -> RegistryClient {
        RegistryClient(
            credentials: StaticCredentials([:]), configuration: RegistriesConfiguration(),
            retryPolicy: RetryPolicy(budget: budget, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100)),
            timeouts: RegistryTimeouts(idle: idle))
    }

    @Test("an upload the registry stops reading after 1 MB: the try ends after the idle time, the restart succeeds")
    func stalledUploadIsRetried() async throws {
        let server = try await Self.startRegistry()
        let proxy = try await FaultProxy.start(
            upstreamPort: server.port,
            rules: [
                FaultRule(
                    method: "PUT", path: "/blobs/uploads/", occurrences: 1...1,
                    fault: .stallRequestBody(afterBytes: 1 << 20))
            ])
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ClientTestSupport.randomFile(16 << 20, in: directory)
        let client = Self.client(idle: .seconds(2), budget: .seconds(10))
        let started = ContinuousClock.now
        try await client.uploadBlob(
            from: file.path, digest: file.digest, size: Int64(file.data.count),
            to: try ClientTestSupport.reference(proxy.host, "app"))
        let elapsed = ContinuousClock.now - started
        await proxy.shutdown()
        await server.shutdown()
        #expect(proxy.faulted.count == 1)
        #expect(server.requests.filter { $0.method == "PUT" }.map(\.body) == [file.data])
        #expect(elapsed < .seconds(20))
    }

    @Test("an upload that stalls every time: one line naming the PUT and the idle timeout")
    func stalledUploadGivesUp() async throws {
        let server = try await Self.startRegistry()
        let proxy = try await FaultProxy.start(
            upstreamPort: server.port,
            rules: [FaultRule(method: "PUT", path: "/blobs/uploads/", fault: .stallRequestBody(afterBytes: 1 << 20))])
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ClientTestSupport.randomFile(16 << 20, in: directory)
        let client = Self.client(idle: .milliseconds(500), budget: .milliseconds(300))
        let reference = try ClientTestSupport.reference(proxy.host, "app")
        var failure: RegistryError?
        do {
            try await client.uploadBlob(
                from: file.path, digest: file.digest, size: Int64(file.data.count), to: reference)
        } catch {
            failure = error
        }
        await proxy.shutdown()
        await server.shutdown()
        let error = try #require(failure)
        #expect(error.kind == .timeout && error.isTemporary)
        #expect(error.description.hasPrefix("PUT http://\(proxy.host)/v2/app/blobs/uploads/s"))
        // Stopped reading (the usual case) or, when the whole body fit into buffers, no answer.
        #expect(error.description.contains(": stalled: \(proxy.host) "))
        #expect(error.description.contains(" for 500 ms (idle timeout) — "))
        #expect(!error.description.contains("\n"))
        #expect(proxy.faulted.count >= 2)
    }

    @Test("an answer that never comes: the idle timeout, not two minutes")
    func answerNeverComes() async throws {
        let server = try await Self.startRegistry()
        let proxy = try await FaultProxy.start(
            upstreamPort: server.port, rules: [FaultRule(method: "GET", path: "/manifests/", fault: .stallResponse)])
        let client = Self.client(idle: .milliseconds(500), budget: .milliseconds(300))
        let reference = try ClientTestSupport.reference(proxy.host, "app", tag: "v1")
        let started = ContinuousClock.now
        var failure: RegistryError?
        do {
            _ = try await client.getManifest(reference)
        } catch {
            failure = error
        }
        let elapsed = ContinuousClock.now - started
        await proxy.shutdown()
        await server.shutdown()
        let error = try #require(failure)
        #expect(error.kind == .timeout)
        #expect(error.description.hasPrefix("GET http://\(proxy.host)/v2/app/manifests/v1: no data from"))
        #expect(error.description.contains("for 500 ms (idle timeout)"))
        #expect(proxy.faulted.count >= 2)
        #expect(elapsed < .seconds(10))
    }

    @Test("429 with Retry-After on an upload PUT: the new session waits as told")
    func uploadRestartHonoursRetryAfter() async throws {
        let server = try await Self.startRegistry()
        let proxy = try await FaultProxy.start(
            upstreamPort: server.port,
            rules: [
                FaultRule(
                    method: "PUT", path: "/blobs/uploads/", occurrences: 1...1,
                    fault: .status(429, retryAfter: .seconds(1)))
            ])
        let client = Self.client(idle: .seconds(5), budget: .seconds(5))
        try await client.uploadBlob(
            ClientTestSupport.randomData(4096), to: try ClientTestSupport.reference(proxy.host, "app"))
        await proxy.shutdown()
        await server.shutdown()
        let requests = proxy.requests
        let faulted = try #require(requests.firstIndex { $0.fault != nil })
        let answered = try #require(requests[faulted].answered)
        let restart = try #require(requests[(faulted + 1)...].first { $0.method == "POST" })
        #expect(restart.received - answered >= .milliseconds(900))
    }
}
