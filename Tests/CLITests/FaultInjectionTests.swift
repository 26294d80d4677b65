import Foundation
import TestSupport
import Testing

/// `imagespec copy` between two real registries with a ``FaultProxy`` in front of each: every registry fault of
/// issue 12 (and the ones imagespec already survived) as a probe that stays in the suite.
///
/// Each test asserts the exit status, the one line of error when it fails, that the destination tag never names an
/// incomplete image (skopeo fetches and verifies every blob of whatever the tag names), and that a rerun without
/// faults gives the clean copy's digest. Idle timeouts and retry budgets are short (flags), so each test takes
/// seconds.
@Suite("registry faults through a fault-injecting proxy", .serialized, .timeLimit(.minutes(10)))
struct FaultInjectionTests {
    /// A source registry with a base image (a ~12 MB layer, larger than the socket buffers so a stalled upload
    /// blocks), an empty destination registry, and a proxy in front of each.
    struct Bench {
        let source: RegistryFixture
        let target: RegistryFixture
        let sourceProxy: FaultProxy
        let targetProxy: FaultProxy
        let base: BaseImage
        /// The base image's big layer.
        let layerDigest: String
        let sandbox: CLISandbox

        static func make() async throws -> Bench {
            let source = try await RegistryFixture.start()
            let target = try await RegistryFixture.start()
            let base = try await BaseImageFixture.push(
                to: source, repository: "faults/base", tag: "1", extraFiles: ["big.txt": FaultInjectionTests.noise()])
            let manifest = try await Oracle.rawManifest(base.reference)
            let layers = try #require(
                (try JSONSerialization.jsonObject(with: manifest) as? [String: Any])?["layers"] as? [[String: Any]])
            let layerDigest = try #require(layers.first?["digest"] as? String)
            return Bench(
                source: source, target: target,
                sourceProxy: try await FaultProxy.start(upstreamPort: source.port),
                targetProxy: try await FaultProxy.start(upstreamPort: target.port),
                base: base, layerDigest: layerDigest, sandbox: try CLISandbox())
        }

        /// The base image, read through the source proxy.
        var sourceReference: String { "\(sourceProxy.host)/faults/base:1" }
        /// The copy's destination, written through the target proxy.
        var destination: String { "\(targetProxy.host)/faults/copy:1" }
        /// A regular expression for the URI of the big layer's upload PUT (`?…&digest=sha256:…`).
        var layerPut: String { "digest=sha256(:|%3A)" + layerDigest.dropFirst("sha256:".count) }

        /// `imagespec copy` of the base image to the destination, with extra flags.
        func copy(_ flags: [String] = [], timeout: Duration = .seconds(90)) async throws -> ToolResult {
            try await CLI.run(["copy", sourceReference, destination] + flags, in: sandbox, timeout: timeout)
        }

        func stop() async {
            await sourceProxy.shutdown()
            await targetProxy.shutdown()
            source.stop()
            target.stop()
            sandbox.remove()
        }

        /// What every test checks after a run, failed or not: the destination tag is absent or names a complete
        /// image; then a rerun without faults succeeds with the clean copy's digest (the source's: copy keeps the
        /// manifest bytes).
        func expectNoIncompleteImageThenCleanRerun() async throws {
            try await FaultInjectionTests.expectAbsentOrComplete(
                host: target.host, repository: "faults/copy", tag: "1")
            sourceProxy.setRules([])
            targetProxy.setRules([])
            let rerun = try await copy()
            #expect(rerun.status == 0, "\(rerun.stderr)")
            try await FaultInjectionTests.expectComplete(target.reference("faults/copy", tag: "1"))
            #expect(
                try await FaultInjectionTests.digest(target.reference("faults/copy", tag: "1")) == base.manifestDigest)
        }
    }

    /// Runs `body` with a new ``Bench`` and stops it afterwards, also when `body` throws.
    static func withBench(_ body: (Bench) async throws -> Void) async throws {
        let bench = try await Bench.make()
        do {
            try await body(bench)
        } catch {
            await bench.stop()
            throw error
        }
        await bench.stop()
    }

    /// Short limits so faults resolve in seconds.
    static let fastFlags = ["--registry-idle-timeout", "1", "--registry-retry-budget", "20"]

    // MARK: - item 2: the retry budget is time, not a count

    @Test("six 502s in a row on a base-layer GET: waited out, the copy succeeds")
    func sixBadGatewaysOnLayerGet() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(method: "GET", path: "/blobs/" + bench.layerDigest, occurrences: 1...6, fault: .status(502))
            ])
            let result = try await bench.copy(["--registry-idle-timeout", "1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(bench.sourceProxy.faulted.count == 6)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("a registry that keeps answering 502: one line naming the GET after the budget, no tag")
    func budgetExhausted() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(method: "GET", path: "/blobs/" + bench.layerDigest, fault: .status(502))
            ])
            let started = ContinuousClock.now
            let result = try await bench.copy(["--registry-retry-budget", "2"])
            let elapsed = ContinuousClock.now - started
            #expect(result.status != 0)
            let lines = CLI.errorLines(result)
            #expect(lines.count == 1, "\(result.stderr)")
            let line = try #require(lines.first)
            #expect(
                line.hasPrefix("error: GET http://\(bench.sourceProxy.host)/v2/faults/base/blobs/\(bench.layerDigest)"))
            #expect(line.contains("502"))
            // More than the old four tries, and no longer than the budget (plus the requests themselves).
            #expect(bench.sourceProxy.faulted.count > 4)
            #expect(elapsed < .seconds(20))
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    // MARK: - item 3: Retry-After on an upload restart

    @Test("429 Retry-After: 2 (seconds) on the layer upload PUT: the restart waits 2 s", arguments: [false, true])
    func retryAfterOnUploadPut(httpDate: Bool) async throws {
        try await Self.withBench { bench in
            let retryAfter: ProxyFault.RetryAfter = httpDate ? .date(secondsFromNow: 3) : .seconds(2)
            bench.targetProxy.setRules([
                FaultRule(
                    method: "PUT", path: bench.layerPut, occurrences: 1...1, fault: .status(429, retryAfter: retryAfter)
                )
            ])
            let result = try await bench.copy(Self.fastFlags)
            #expect(result.status == 0, "\(result.stderr)")
            let requests = bench.targetProxy.requests
            let faultIndex = try #require(requests.firstIndex { $0.fault != nil })
            let answered = try #require(requests[faultIndex].answered)
            // The restart opens a new upload session: the next POST …/blobs/uploads/ after the 429.
            let restart = try #require(
                requests[(faultIndex + 1)...].first { $0.method == "POST" && $0.uri.contains("/blobs/uploads/") })
            let waited = restart.received - answered
            #expect(waited >= (httpDate ? .milliseconds(2500) : .milliseconds(1900)), "waited \(waited)")
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    // MARK: - item 4: idle timeouts

    @Test(
        "a registry that stops reading the upload after 1 MB: the try ends after the idle timeout, the retry succeeds")
    func stalledUploadBody() async throws {
        try await Self.withBench { bench in
            bench.targetProxy.setRules([
                FaultRule(
                    method: "PUT", path: bench.layerPut, occurrences: 1...1,
                    fault: .stallRequestBody(afterBytes: 1 << 20))
            ])
            let started = ContinuousClock.now
            let result = try await bench.copy(Self.fastFlags, timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(bench.targetProxy.faulted.count == 1)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("a registry that never reads an upload to the end: one line naming the PUT, no tag")
    func stalledUploadEveryTime() async throws {
        try await Self.withBench { bench in
            bench.targetProxy.setRules([
                FaultRule(method: "PUT", path: bench.layerPut, fault: .stallRequestBody(afterBytes: 1 << 20))
            ])
            let result = try await bench.copy(
                ["--registry-idle-timeout", "1", "--registry-retry-budget", "1"], timeout: .seconds(60))
            #expect(result.status != 0)
            let lines = CLI.errorLines(result)
            #expect(lines.count == 1, "\(result.stderr)")
            let line = try #require(lines.first)
            #expect(
                line.hasPrefix("error: PUT http://\(bench.targetProxy.host)/v2/faults/copy/blobs/uploads/"), "\(line)")
            #expect(line.contains(": stalled: \(bench.targetProxy.host) "), "\(line)")
            #expect(line.contains(" for 1 s (idle timeout) — "), "\(line)")
            #expect(bench.targetProxy.faulted.count >= 2)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("an answer that never comes (manifest GET): idle timeout, then the retry succeeds")
    func responseNeverComes() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(method: "GET", path: "/manifests/", occurrences: 1...1, fault: .stallResponse)
            ])
            let started = ContinuousClock.now
            let result = try await bench.copy(Self.fastFlags, timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(bench.sourceProxy.faulted.count == 1)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("an answer that never comes, every time: one line naming the request and the idle timeout")
    func responseNeverComesEveryTime() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([FaultRule(method: "GET", path: "/manifests/", fault: .stallResponse)])
            let result = try await bench.copy(
                ["--registry-idle-timeout", "1", "--registry-retry-budget", "1"], timeout: .seconds(60))
            #expect(result.status != 0)
            let lines = CLI.errorLines(result)
            #expect(lines.count == 1, "\(result.stderr)")
            let line = try #require(lines.first)
            #expect(line.hasPrefix("error: GET http://\(bench.sourceProxy.host)/v2/faults/base/manifests/1"), "\(line)")
            #expect(line.contains("for 1 s (idle timeout)"), "\(line)")
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("a download that stops after 100 kB: idle timeout, then the retry succeeds")
    func stalledDownload() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(
                    method: "GET", path: "/blobs/" + bench.layerDigest, occurrences: 1...1,
                    fault: .stallResponseBody(afterBytes: 100_000))
            ])
            let result = try await bench.copy(Self.fastFlags, timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(bench.sourceProxy.faulted.count == 1)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    // MARK: - faults imagespec already survived: kept as probes

    @Test("resets: mid-download and mid-upload are retried")
    func resets() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(
                    method: "GET", path: "/blobs/" + bench.layerDigest, occurrences: 1...1,
                    fault: .resetResponse(afterBytes: 1 << 20))
            ])
            bench.targetProxy.setRules([
                FaultRule(
                    method: "PUT", path: bench.layerPut, occurrences: 1...1, fault: .resetRequest(afterBytes: 1 << 20))
            ])
            let result = try await bench.copy(Self.fastFlags)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(bench.sourceProxy.faulted.count == 1 && bench.targetProxy.faulted.count == 1)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("a response dropped after the registry stored the blob: retried, the copy succeeds")
    func droppedResponse() async throws {
        try await Self.withBench { bench in
            bench.targetProxy.setRules([
                FaultRule(method: "PUT", path: bench.layerPut, occurrences: 1...1, fault: .dropResponse)
            ])
            let result = try await bench.copy(Self.fastFlags)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(bench.targetProxy.faulted.count == 1)
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    @Test("a corrupted base layer: one line with the digest mismatch, no tag")
    func corruptLayer() async throws {
        try await Self.withBench { bench in
            bench.sourceProxy.setRules([
                FaultRule(method: "GET", path: "/blobs/" + bench.layerDigest, fault: .corruptBody)
            ])
            let result = try await bench.copy(Self.fastFlags)
            #expect(result.status != 0)
            let lines = CLI.errorLines(result)
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(lines.first?.contains("digest mismatch: expected \(bench.layerDigest)") == true, "\(result.stderr)")
            try await bench.expectNoIncompleteImageThenCleanRerun()
        }
    }

    // MARK: - flags

    @Test("a malformed --registry-idle-timeout or $IMAGESPEC_REGISTRY_RETRY_BUDGET: one line, exit 2")
    func badFlagValues() async throws {
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let flag = try await CLI.run(
            ["copy", "127.0.0.1:1/a:1", "127.0.0.1:1/b:1", "--registry-idle-timeout", "soon"], in: sandbox)
        #expect(flag.status == 2)
        #expect(
            CLI.errorLines(flag) == [
                "error: --registry-idle-timeout soon: not a number of seconds from 0 to 86400 — pass e.g. 30 or 2.5"
            ])
        let variable = try await CLI.run(
            ["copy", "127.0.0.1:1/a:1", "127.0.0.1:1/b:1"], in: sandbox,
            environment: ["IMAGESPEC_REGISTRY_RETRY_BUDGET": "-1"])
        #expect(variable.status == 2)
        #expect(
            CLI.errorLines(variable) == [
                "error: IMAGESPEC_REGISTRY_RETRY_BUDGET=-1: not a number of seconds from 0 to 86400 — pass e.g. 30 or "
                    + "2.5"
            ])
    }

    // MARK: - oracles

    /// 12 MiB of random base-36 text: a layer of about 8 MB, more than the socket buffers between imagespec and
    /// the proxy hold (so a stalled upload really blocks).
    static func noise() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(12 << 20)
        while text.utf8.count < 12 << 20 {
            text += String(generator.next() as UInt64, radix: 36)
        }
        return text
    }

    /// skopeo copies `reference` into a fresh OCI layout, fetching and verifying the digest of every blob.
    static func expectComplete(_ reference: String) async throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-faults")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ExternalTool.runAsync(
            "skopeo", ["copy", "--src-tls-verify=false", "docker://\(reference)", "oci:\(directory)/layout:x"]
        ).check()
    }

    /// The tag does not exist, or it names an image whose every blob is there and verifies.
    static func expectAbsentOrComplete(host: String, repository: String, tag: String) async throws {
        let status = try await Oracle.manifestStatus(host: host, repository: repository, tag: tag)
        if status == 404 { return }
        #expect(status == 200)
        try await expectComplete("\(host)/\(repository):\(tag)")
    }

    /// The manifest digest `reference` names (skopeo).
    static func digest(_ reference: String) async throws -> String {
        try await ExternalTool.runAsync(
            "skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(reference)"]
        ).check().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
