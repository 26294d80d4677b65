import Registry
import Testing

@Suite("Redaction")
struct RedactionTests {
    @Test(
        "URLs",
        arguments: [
            ("https://ghcr.io/v2/a/b/manifests/v1", "https://ghcr.io/v2/a/b/manifests/v1"),
            ("https://user:pass@ghcr.io/v2/", "https://ghcr.io/v2/"),
            ("http://user@127.0.0.1:5000/v2/?n=10", "http://127.0.0.1:5000/v2/?n=10"),
            ("https://u:p@x.example", "https://x.example"),
            (
                "http://127.0.0.1:5000/v2/a/blobs/uploads/uuid?_state=abc.def&digest=sha256:12",
                "http://127.0.0.1:5000/v2/a/blobs/uploads/uuid?_state=***&digest=sha256:12"
            ),
            (
                "https://s3.example/b?X-Amz-Algorithm=AWS4&X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&x-id=GetObject",
                "https://s3.example/b?X-Amz-Algorithm=***&X-Amz-Credential=***&X-Amz-Signature=***&x-id=GetObject"
            ),
            (
                "https://auth.example/token?service=s&scope=repository:a:pull&access_token=t1&token=t2",
                "https://auth.example/token?service=s&scope=repository:a:pull&access_token=***&token=***"
            ),
            (
                "https://cdn.example/o?Signature=abc&Expires=1&sig=zz#frag",
                "https://cdn.example/o?Signature=***&Expires=1&sig=***#frag"
            ),
            (
                "https://g.example/o?X-Goog-Signature=abc&%5Fstate=x",
                "https://g.example/o?X-Goog-Signature=***&%5Fstate=***"
            ),
            ("/v2/a/blobs/uploads/u?_state=s3cr3t", "/v2/a/blobs/uploads/u?_state=***"),
            ("not a url", "not a url"),
            ("https://x.example/?flag&empty=", "https://x.example/?flag&empty="),
        ])
    func urls(_ input: String, _ expected: String) {
        #expect(Redaction.url(input) == expected)
    }

    @Test("text: URLs inside, Authorization values, given secrets")
    func text() {
        let input =
            "GET https://me:pw@r.example/v2/?token=abc failed; sent Authorization: Bearer eyJhbGciOi.x.y "
            + "and Basic dXNlcjpwYXNz; Basic authentication is fine; my-given-secret-51 leaked"
        let output = Redaction.text(input, secrets: ["my-given-secret-51"])
        #expect(
            output == "GET https://r.example/v2/?token=*** failed; sent Authorization: Bearer *** and Basic ***; "
                + "Basic authentication is fine; *** leaked")
    }

    @Test("registered secrets are replaced from then on; short ones are ignored")
    func registered() {
        #expect(Redaction.text("value registered-secret-52 here") == "value registered-secret-52 here")
        Redaction.register("registered-secret-52")
        Redaction.register("abc")
        #expect(Redaction.text("value registered-secret-52 here") == "value *** here")
        #expect(Redaction.text("abc stays") == "abc stays")
    }

    @Test("oneLine collapses line breaks and runs of spaces")
    func oneLine() {
        #expect(Redaction.oneLine("a\nb\r\n  c\t d ") == "a b c d")
    }
}
