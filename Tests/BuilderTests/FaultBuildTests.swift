import Foundation
import TestSupport
import Testing

/// `imagespec build` pushing through a ``FaultProxy``: a temporary failure of the push-access probe
/// (`POST …/blobs/uploads/`, before any layer work) is retried like every other request (issue 12, item 1).
@Suite("build: faults on the push-access probe", .serialized, .timeLimit(.minutes(5)))
struct FaultBuildTests {
    @Test(
        "one 503 or a reset on the probe: retried; the tag names a complete image with the clean-build digest",
        arguments: [ProxyFault.status(503), .resetRequest(afterBytes: 0)])
    func probeFaultRetried(fault: ProxyFault) async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let proxy = try await FaultProxy.start(
            upstreamPort: setup.registry.port,
            rules: [FaultRule(method: "POST", path: "/blobs/uploads/$", occurrences: 1...1, fault: fault)])
        // The push goes through the proxy; the base image is read from the registry directly.
        let spec = setup.directory + "/spec.yaml"
        try setup.spec()
            .replacingOccurrences(of: "registry: \(setup.registry.host)/acme", with: "registry: \(proxy.host)/acme")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let environment = BuilderTestSupport.uvEnvironment(cache: setup.directory + "/uv-cache")
        let arguments = [
            "build", spec, "--json", "--cache-dir", setup.directory + "/layer-cache", "--flytekit-version", "0.0.1",
            "--registry-retry-budget", "10",
        ]
        let faulted = try await ExternalTool.runAsync(binary, arguments, environment: environment)
        let requests = proxy.requests
        proxy.setRules([])
        #expect(faulted.status == 0, "\(faulted.stderr)")
        // The first POST (the probe) got the fault, and a second probe followed.
        let posts = requests.filter { $0.method == "POST" && $0.uri.hasSuffix("/blobs/uploads/") }
        #expect(posts.first?.fault == fault)
        #expect(posts.count >= 2)

        let report = try #require(try JSONSerialization.jsonObject(with: faulted.stdoutData) as? [String: Any])
        let image = try #require(report["image"] as? String)
        let digest = try #require(report["digest"] as? String)
        let direct = image.replacingOccurrences(of: proxy.host, with: setup.registry.host)
        // Every blob the tag names is there and verifies.
        let layout = setup.directory + "/pulled"
        try await ExternalTool.runAsync(
            "skopeo", ["copy", "--src-tls-verify=false", "docker://\(direct)", "oci:\(layout):x"]
        ).check()
        // A forced rebuild without faults gives the same digest.
        let rerun = try await ExternalTool.runAsync(binary, arguments + ["--force"], environment: environment).check()
        let again = try #require(try JSONSerialization.jsonObject(with: rerun.stdoutData) as? [String: Any])
        #expect(again["digest"] as? String == digest)
        await proxy.shutdown()
    }
}
