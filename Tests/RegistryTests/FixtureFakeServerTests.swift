import Foundation
import TestSupport
import Testing

/// Self-tests of `FakeHTTPServer`, driven by the real curl.
@Suite("FakeHTTPServer fixture")
struct FixtureFakeServerTests {
    @Test("round-trips method, target, headers and body; records every request")
    func roundTrip() async throws {
        let server = try await FakeHTTPServer.start { request in
            var body = Data("\(request.method) \(request.path) q=\(request.query["q"] ?? "-") ".utf8)
            body.append(request.body)
            return FakeResponse(status: 201, headers: [("X-Echo", request.header("x-test") ?? "")], body: body)
        }
        let payload = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let response = try await FixtureCurl.request(
            "PUT", server.baseURL + "/v2/a/b?q=1%202", headers: ["X-Test: hello", "X-Test: again"], body: payload)
        #expect(response.status == 201)
        #expect(response.header("X-Echo") == "hello")
        #expect(response.body == Data("PUT /v2/a/b q=1 2 ".utf8) + payload)
        #expect(response.header("Content-Length") == String(response.body.count))

        let recorded = server.requests
        #expect(recorded.count == 1)
        #expect(recorded.first?.uri == "/v2/a/b?q=1%202")
        #expect(recorded.first?.headerValues("X-Test") == ["hello", "again"])
        #expect(recorded.first?.body == payload)
        await server.shutdown()
    }

    @Test("keeps connections alive, answers HEAD without a body, and closes when asked")
    func connectionHandling() async throws {
        let server = try await FakeHTTPServer.start { request in
            switch request.path {
            case "/blob": FakeResponse(status: 200, body: Data(repeating: 7, count: 1234))
            case "/close": FakeResponse(status: 200, body: Data("bye".utf8), disposition: .respondAndClose)
            default: .registryError(404, code: "BLOB_UNKNOWN", message: "blob unknown to registry")
            }
        }
        // Two requests in one curl run share a connection.
        let twice = try await ExternalTool.runAsync(
            "curl", ["-s", "-o", "/dev/null", "-o", "/dev/null", server.baseURL + "/blob", server.baseURL + "/blob"])
        #expect(twice.succeeded)
        let numbers = server.requests.map(\.connectionNumber)
        #expect(numbers.count == 2 && numbers[0] == numbers[1])

        let head = try await FixtureCurl.request("HEAD", server.baseURL + "/blob")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "1234")

        let missing = try await FixtureCurl.request("GET", server.baseURL + "/nope")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/json")
        #expect(missing.text.contains(#""code":"BLOB_UNKNOWN""#))

        let closing = try await FixtureCurl.request("GET", server.baseURL + "/close")
        #expect(closing.text == "bye")
        #expect(closing.header("Connection") == "close")
        await server.shutdown()
    }

    @Test("resets a connection mid-upload, and on request after the body")
    func resets() async throws {
        let server = try await FakeHTTPServer.start(
            abortRequest: { head in head.method == "PUT" && head.index == 0 ? 64 * 1024 : nil },
            handler: { request in request.path == "/reset" ? .reset : .text(200, "ok") })
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let upload = scratch + "/upload"
        try Data(repeating: 1, count: 8 * 1024 * 1024).write(to: URL(fileURLWithPath: upload))

        // First PUT: reset after 64 KiB of an 8 MiB body. curl reports a send/recv failure (55/56) or an empty
        // reply (52), never a status.
        let first = try await ExternalTool.runAsync(
            "curl", ["-sS", "-o", "/dev/null", "-T", upload, server.baseURL + "/upload"])
        #expect([52, 55, 56].contains(first.status), "curl exit \(first.status): \(first.stderr)")
        let cut = try #require(server.requests.first)
        #expect(cut.body.count >= 64 * 1024 && cut.body.count < 8 * 1024 * 1024)

        // The retry (second PUT) goes through in full.
        let second = try await ExternalTool.runAsync(
            "curl", ["-sS", "-w", "%{http_code}", "-o", "/dev/null", "-T", upload, server.baseURL + "/upload"])
        #expect(second.stdout == "200")
        #expect(server.requests.last?.body.count == 8 * 1024 * 1024)

        let reset = try await ExternalTool.runAsync("curl", ["-sS", server.baseURL + "/reset"])
        #expect([52, 56].contains(reset.status), "curl exit \(reset.status): \(reset.stderr)")
        await server.shutdown()

        let afterShutdown = try await ExternalTool.runAsync("curl", ["-s", "--max-time", "5", server.baseURL + "/"])
        #expect(afterShutdown.status == 7)
    }

    @Test("records which server got the Authorization header across a cross-origin redirect")
    func crossOriginRedirect() async throws {
        let target = try await FakeHTTPServer.start { _ in .text(200, "blob bytes") }
        let origin = try await FakeHTTPServer.start { _ in .redirect(to: target.baseURL + "/storage/blob?sig=x") }
        // curl (like any careful client) drops credentials when the redirect changes the port/origin.
        let result = try await ExternalTool.runAsync(
            "curl", ["-sS", "-L", "-u", "user:secret", origin.baseURL + "/v2/a/blobs/sha256:00"])
        #expect(result.stdout == "blob bytes")
        #expect(origin.requests.first?.header("Authorization")?.hasPrefix("Basic ") == true)
        #expect(target.requests.count == 1)
        #expect(target.requests.first?.header("Authorization") == nil)
        #expect(target.requests.first?.query["sig"] == "x")
        await origin.shutdown()
        await target.shutdown()
    }
}
