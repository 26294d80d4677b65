import Testing

@testable import Registry

/// `Location` / `Link` resolution and query building (pure functions).
@Suite("registry client: URLs")
struct ClientURLTests {
    @Test(
        "Location and Link values resolve as URL references",
        arguments: [
            (
                "/v2/a/blobs/uploads/u1?_state=x%3D", "http://127.0.0.1:5000/v2/a/blobs/uploads/",
                "http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=x%3D"
            ),
            (
                "https://storage.example/up/1?sig=abc", "https://reg.example/v2/a/blobs/uploads/",
                "https://storage.example/up/1?sig=abc"
            ),
            ("u2?_state=y", "http://h:1/v2/a/blobs/uploads/", "http://h:1/v2/a/blobs/uploads/u2?_state=y"),
            ("/v2/a/tags/list?n=2&last=b", "http://h:1/v2/a/tags/list?n=2", "http://h:1/v2/a/tags/list?n=2&last=b"),
        ])
    func resolves(reference: String, base: String, expected: String) {
        #expect(RegistryURL.resolve(reference, against: base) == expected)
    }

    @Test("values that are not http(s) URL references are refused")
    func refuses() {
        #expect(RegistryURL.resolve("", against: "http://h/v2/") == nil)
        #expect(RegistryURL.resolve("ftp://h/x", against: "http://h/v2/") == nil)
    }

    @Test("query parameters are appended with ? or &")
    func appendsQuery() {
        #expect(
            RegistryURL.appendingQuery("http://h/v2/a/blobs/uploads/u", [("digest", "sha256:ab")])
                == "http://h/v2/a/blobs/uploads/u?digest=sha256:ab")
        #expect(
            RegistryURL.appendingQuery("http://h/u?_state=s", [("digest", "sha256:ab")])
                == "http://h/u?_state=s&digest=sha256:ab")
        #expect(
            RegistryURL.appendingQuery("http://h/token", [("service", "a b"), ("scope", "repository:x/y:pull,push")])
                == "http://h/token?service=a%20b&scope=repository:x%2Fy:pull%2Cpush")
    }

    @Test(
        "the rel=\"next\" target of a Link header",
        arguments: [
            (#"</v2/a/tags/list?n=2&last=b>; rel="next""#, "/v2/a/tags/list?n=2&last=b"),
            (#"<https://h/v2/a/tags/list?last=b>;rel=next"#, "https://h/v2/a/tags/list?last=b"),
            (#"</prev>; rel="prev", </next>; rel="next""#, "/next"),
            (#"</x>; rel="prev""#, nil),
        ])
    func nextLink(header: String, expected: String?) {
        #expect(RegistryURL.nextLink(header) == expected)
    }

    @Test("origins compare scheme, host and port")
    func origins() {
        #expect(Transport.sameOrigin("http://127.0.0.1:5000/v2/x", "http://127.0.0.1:5000"))
        #expect(!Transport.sameOrigin("http://127.0.0.1:5001/v2/x", "http://127.0.0.1:5000"))
        #expect(!Transport.sameOrigin("https://reg.example/v2/", "http://reg.example"))
        #expect(Transport.sameOrigin("https://reg.example:443/v2/", "https://REG.example"))
    }
}
