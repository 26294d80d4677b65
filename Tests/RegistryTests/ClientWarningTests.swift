import Foundation
import Logging
import OCI
import TestSupport
import Testing

@testable import Registry

/// `Warning: 299 - "…"` headers (OCI distribution specification): logged for people at warning level, once per
/// client, at most 4096 bytes per response, never acted upon. A real `docker-registry` 2.8 sends none.
@Suite("registry client: Warning headers")
struct ClientWarningTests {
    @Test(
        "Warning header values parse into code, agent and unquoted text",
        arguments: [
            (
                #"299 - "Your auth token will expire in 30 seconds.""#,
                ["299|-|Your auth token will expire in 30 seconds."]
            ),
            (#"299 - "a, with comma", 299 - "second""#, ["299|-|a, with comma", "299|-|second"]),
            (#"299 - "escaped \"quote\" and \\ backslash""#, [#"299|-|escaped "quote" and \ backslash"#]),
            (
                #"199 proxy.example:8080 "heuristic" "Sat, 25 Aug 2012 23:34:45 GMT", 299 - "x""#,
                ["199|proxy.example:8080|heuristic", "299|-|x"]
            ),
            (#"299 - "unterminated"#, []),
            ("299 -", []),
            ("garbage", []),
            (#"299 - "ok", nonsense"#, ["299|-|ok"]),
        ])
    func parsing(value: String, expected: [String]) {
        let parsed = RegistryWarning.parse(value).map { "\($0.code)|\($0.agent)|\($0.text)" }
        #expect(parsed == expected)
    }

    @Test("299 warnings are logged once per client, other codes are not, and nothing else changes")
    func loggedOnceAndIgnored() async throws {
        let long = String(repeating: "é", count: 3000)  // 6000 UTF-8 bytes
        let server = try await FakeHTTPServer.start { request in
            var response = ClientFakeRegistry.manifest()
            response.headers += [
                ("Warning", #"299 - "this registry API is deprecated;   see https://example.test/v3""#),
                ("Warning", #"199 - "not for people", 299 - "repository app is read-only from tomorrow""#),
            ]
            if request.path.hasSuffix("/v2") { response.headers.append(("Warning", #"299 - "\#(long)""#)) }
            return response
        }
        let capture = LogCapture()
        let client = RegistryClient(
            credentials: StaticCredentials([:]), configuration: RegistriesConfiguration(),
            retryPolicy: ClientTestSupport.fastRetry, logger: capture.logger)
        let reference = try ClientTestSupport.reference(server.host, "app", tag: "v1")
        let descriptor = try await client.headManifest(reference)
        let raw = try await client.getManifest(reference)
        _ = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v2"))
        await server.shutdown()

        #expect(descriptor?.digest == ClientFakeRegistry.manifestDigest)
        #expect(raw.digest == ClientFakeRegistry.manifestDigest)
        #expect(server.requests.count == 3)
        let warnings = capture.messages(at: .warning)
        #expect(warnings.count == 3)
        #expect(
            warnings.first
                == "registry \(server.host) warns: this registry API is deprecated; see https://example.test/v3")
        #expect(
            warnings.dropFirst().first == "registry \(server.host) warns: repository app is read-only from tomorrow")
        #expect(!warnings.contains { $0.contains("not for people") })
        // The long one is cut to what is left of the 4096-byte budget, on a character boundary.
        let cut = try #require(warnings.last?.replacingOccurrences(of: "registry \(server.host) warns: ", with: ""))
        #expect(cut.allSatisfy { $0 == "é" })
        let used =
            "this registry API is deprecated; see https://example.test/v3".utf8.count
            + "repository app is read-only from tomorrow".utf8.count
        #expect(cut.utf8.count == (4096 - used) / 2 * 2)
        #expect(warnings.allSatisfy { !$0.contains("\n") })
    }

    @Test("warning text is cleaned: one line, secrets masked, cut to 4096 bytes")
    func cleaning() {
        Redaction.register("warn-secret-98765")
        #expect(RegistryWarnings.clean("a\u{1B}[31mb\r\nc warn-secret-98765") == "a [31mb c \(Redaction.mask)")
        #expect(RegistryWarnings.truncated("abc", to: 2) == "ab")
        #expect(RegistryWarnings.truncated("aé", to: 2) == "a")
        #expect(RegistryWarnings.truncated(String(repeating: "x", count: 5000), to: 4096).utf8.count == 4096)
    }
}
