import Foundation
import OCI
import Registry
import TestSupport
import Testing

/// `Link` pagination of the tag list, against the in-process fake server: the Debian `docker-registry`
/// (distribution 2.8) ignores `n` and `last` and always answers in one page.
@Suite("registry client: tag list pagination")
struct ClientPaginationTests {
    /// A tags endpoint implementing `n` and `last` like distribution v3, with relative or absolute `Link`s.
    static func pagedServer(tags: [String], absoluteLinks: Bool) async throws -> FakeHTTPServer {
        try await FakeHTTPServer.start { request in
            if request.path == "/v2/" { return ClientFakeRegistry.apiRoot }
            guard request.path == "/v2/team/app/tags/list" else { return .text(404, "") }
            let sorted = tags.sorted()
            let size = Int(request.query["n"] ?? "") ?? sorted.count
            let start = request.query["last"].flatMap { last in sorted.firstIndex { $0 > last } } ?? 0
            let page = Array(sorted[start..<min(start + size, sorted.count)])
            var headers: [(name: String, value: String)] = []
            if let last = page.last, last != sorted.last {
                let path = "/v2/team/app/tags/list?n=\(size)&last=\(last)"
                let target = absoluteLinks ? "http://\(request.header("Host") ?? "")\(path)" : path
                headers.append(("Link", "<\(target)>; rel=\"next\""))
            }
            let body = try? JSONSerialization.data(withJSONObject: ["name": "team/app", "tags": page])
            return FakeResponse(
                status: 200, headers: [("Content-Type", "application/json")] + headers, body: body ?? Data())
        }
    }

    @Test("n=2 over 5 tags: three pages, every tag once, in order", arguments: [false, true])
    func followsLinks(absoluteLinks: Bool) async throws {
        let tags = ["v3", "a", "latest", "v1", "v2"]
        let server = try await Self.pagedServer(tags: tags, absoluteLinks: absoluteLinks)
        let client = ClientTestSupport.client()
        let listed = try await client.listTags(try ClientTestSupport.reference(server.host, "team/app"), pageSize: 2)
        await server.shutdown()
        #expect(listed == tags.sorted())
        let pages = ClientFakeRegistry.requests(server, path: "/v2/team/app/tags/list")
        #expect(
            pages.map(\.uri) == [
                "/v2/team/app/tags/list?n=2",
                "/v2/team/app/tags/list?n=2&last=latest",
                "/v2/team/app/tags/list?n=2&last=v2",
            ])
    }

    @Test("a Link that points back to a page already read is an error, not an endless loop")
    func loopingLink() async throws {
        let server = try await FakeHTTPServer.start { request in
            if request.path == "/v2/" { return ClientFakeRegistry.apiRoot }
            return .json(
                200, #"{"name":"team/app","tags":["a"]}"#,
                headers: [("Link", #"</v2/team/app/tags/list>; rel="next""#)])
        }
        let client = ClientTestSupport.client()
        let error = try await #require(throws: RegistryError.self) {
            try await client.listTags(try ClientTestSupport.reference(server.host, "team/app"))
        }
        await server.shutdown()
        #expect(error.kind == .invalidResponse)
        #expect(ClientFakeRegistry.requests(server, path: "/v2/team/app/tags/list").count == 1)
    }
}
