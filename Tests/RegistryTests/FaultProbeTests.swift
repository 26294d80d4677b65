import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// The push-access probe (`POST …/blobs/uploads/` then `DELETE`) against a real registry behind a ``FaultProxy``:
/// a temporary failure of the probe is retried like any other request instead of failing the build at once.
@Suite("push-access probe through a fault-injecting proxy", .serialized, .timeLimit(.minutes(2)))
struct FaultProbeTests {
    @Test(
        "one 503, a 429 with Retry-After, or a reset on the probe POST: retried, the probe succeeds",
        arguments: [
            ProxyFault.status(503), .status(429, retryAfter: .seconds(1)), .resetRequest(afterBytes: 0),
            .dropResponse,
        ])
    func probeRetried(fault: ProxyFault) async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let proxy = try await FaultProxy.start(
            upstreamPort: registry.port,
            rules: [FaultRule(method: "POST", path: "/blobs/uploads/$", occurrences: 1...1, fault: fault)])
        let client = ClientTestSupport.client()
        let failure = await Self.probe(client, try ClientTestSupport.reference(proxy.host, "probe/app"))
        await proxy.shutdown()
        #expect(failure == nil, "\(failure.map { "\($0)" } ?? "")")
        #expect(proxy.requests.filter { $0.method == "POST" }.count == 2)
        #expect(proxy.faulted.count == 1)
    }

    @Test("a probe that keeps failing: the POST's own error after the budget")
    func probeGivesUp() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let proxy = try await FaultProxy.start(
            upstreamPort: registry.port,
            rules: [FaultRule(method: "POST", path: "/blobs/uploads/$", fault: .status(503))])
        let client = ClientTestSupport.client(
            retry: RetryPolicy(budget: .milliseconds(300), baseDelay: .milliseconds(20), maxDelay: .milliseconds(100)))
        let failure = await Self.probe(client, try ClientTestSupport.reference(proxy.host, "probe/app"))
        await proxy.shutdown()
        let error = try #require(failure)
        #expect(error.status == 503 && error.method == "POST")
        #expect(proxy.faulted.count > 4)
    }

    /// Runs the probe; its error, or nil when it passed.
    static func probe(_ client: RegistryClient, _ reference: Reference) async -> RegistryError? {
        do {
            try await client.checkPushAccess(to: reference)
            return nil
        } catch {
            return error
        }
    }
}
