import Foundation
import Registry
import Testing

@Suite("RegistryError")
struct RegistryErrorTests {
    @Test("401 from GHCR reads as one actionable line")
    func ghcrUnauthorized() {
        let body = Data(#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.utf8)
        let error = RegistryError.http(
            method: "GET", url: "https://ghcr.io/v2/acme/x/manifests/v1", status: 401, body: body)
        #expect(
            error.description
                == "GET https://ghcr.io/v2/acme/x/manifests/v1: 401 UNAUTHORIZED: authentication required — check "
                + "credentials for ghcr.io (docker login / credential helper)")
        #expect(error.kind == .auth)
        #expect(error.codes == ["UNAUTHORIZED"])
        #expect(error.isAuthenticationFailure)
        #expect(!error.isTemporary)
        #expect(!error.isNotFound)
        #expect(error.host == "ghcr.io")
    }

    struct StatusCase: CustomTestStringConvertible, Sendable {
        let method: String
        let status: Int
        let body: String?
        let description: String
        let isNotFound: Bool
        let isTemporary: Bool
        let codes: [String]
        var testDescription: String { "\(method) \(status) \(body ?? "-")" }
    }

    static let url = "http://127.0.0.1:5000/v2/a/b/manifests/latest"

    static let statusCases: [StatusCase] = [
        StatusCase(
            method: "HEAD", status: 404, body: nil,
            description: "HEAD \(url): 404 Not Found (HEAD responses carry no error details) — the tag, digest or "
                + "repository does not exist",
            isNotFound: true, isTemporary: false, codes: []),
        StatusCase(
            method: "GET", status: 404,
            body: #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"latest"}}]}"#,
            description:
                "GET \(url): 404 MANIFEST_UNKNOWN: manifest unknown — no such tag or digest in this repository",
            isNotFound: true, isTemporary: false, codes: ["MANIFEST_UNKNOWN"]),
        StatusCase(
            method: "GET", status: 404,
            body:
                #"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"a/b"}}]}"#,
            description: "GET \(url): 404 NAME_UNKNOWN: repository name not known to registry — the repository does "
                + "not exist on 127.0.0.1:5000 (check the name; Artifact Registry needs the repository created first)",
            isNotFound: false, isTemporary: false, codes: ["NAME_UNKNOWN"]),
        StatusCase(
            method: "get", status: 404,
            body: #"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#,
            description: "GET \(url): 404 BLOB_UNKNOWN: blob unknown to registry — the blob is not in this repository",
            isNotFound: true, isTemporary: false, codes: ["BLOB_UNKNOWN"]),
        StatusCase(
            method: "PUT", status: 403,
            body: #"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
            description: "PUT \(url): 403 DENIED: requested access to the resource is denied — the credentials for "
                + "127.0.0.1:5000 are not allowed to do this; check repository permissions (push access?) and that "
                + "the repository exists",
            isNotFound: false, isTemporary: false, codes: ["DENIED"]),
        StatusCase(
            method: "GET", status: 429, body: #"{"message":"toomanyrequests: You have reached your pull rate limit."}"#,
            description: "GET \(url): 429 Too Many Requests: \"toomanyrequests: You have reached your pull rate "
                + "limit.\" — 127.0.0.1:5000 is rate limiting; wait and retry (logging in may raise the limit)",
            isNotFound: false, isTemporary: true, codes: []),
        StatusCase(
            method: "GET", status: 503, body: nil,
            description: "GET \(url): 503 Service Unavailable — 127.0.0.1:5000 failed on its side; retry later",
            isNotFound: false, isTemporary: true, codes: []),
        StatusCase(
            method: "GET", status: 500, body: "\u{0}\u{1}\u{2}garbage\u{ff}",
            description: "GET \(url): 500 Internal Server Error — 127.0.0.1:5000 failed on its side; retry later",
            isNotFound: false, isTemporary: true, codes: []),
        StatusCase(
            method: "PUT", status: 501, body: "",
            description: "PUT \(url): 501 Not Implemented — 127.0.0.1:5000 does not implement this API",
            isNotFound: false, isTemporary: false, codes: []),
        StatusCase(
            method: "POST", status: 400,
            body:
                "<html><head><style>p{}</style><title>Error 400 (Bad Request)!!1</title></head>\n<body><p>Your client has issued a malformed request.</p></body></html>",
            description: "POST \(url): 400 Bad Request: \"Error 400 (Bad Request)!!1 Your client has issued a "
                + "malformed request.\"",
            isNotFound: false, isTemporary: false, codes: []),
        StatusCase(
            method: "GET", status: 400,
            body:
                #"{"errors": [{"code": "MANIFEST_INVALID"}, 5, {"code": 7}, {"message": "m"}, {"code":"TAG_INVALID","message":"bad tag"}]}"#,
            description: "GET \(url): 400 MANIFEST_INVALID; UNKNOWN; UNKNOWN: m; … (1 more) — 127.0.0.1:5000 "
                + "rejected the manifest (media type or content not accepted)",
            isNotFound: false, isTemporary: false, codes: ["MANIFEST_INVALID", "UNKNOWN", "UNKNOWN", "TAG_INVALID"]),
        StatusCase(
            method: "GET", status: 404, body: #"{"errors": "nope"}"#,
            description: "GET \(url): 404 Not Found — check the repository name and tag",
            isNotFound: true, isTemporary: false, codes: []),
        StatusCase(
            method: "GET", status: 502, body: #"{"errors":[{"code":"UNAVAILABLE","message":"try later"}]"#,
            description: "GET \(url): 502 Bad Gateway — 127.0.0.1:5000 failed on its side; retry later",
            isNotFound: false, isTemporary: true, codes: []),
        StatusCase(
            method: "PATCH", status: 404,
            body: #"{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"blob upload unknown to registry"}]}"#,
            description: "PATCH \(url): 404 BLOB_UPLOAD_UNKNOWN: blob upload unknown to registry — the upload session "
                + "expired or was cancelled; start the upload again",
            isNotFound: false, isTemporary: false, codes: ["BLOB_UPLOAD_UNKNOWN"]),
        StatusCase(
            method: "GET", status: 408, body: nil,
            description: "GET \(url): 408 Request Timeout — 127.0.0.1:5000 or a proxy timed out; retry later",
            isNotFound: false, isTemporary: true, codes: []),
    ]

    @Test("HTTP statuses and bodies", arguments: statusCases)
    func status(_ testCase: StatusCase) {
        let error = RegistryError.http(
            method: testCase.method, url: Self.url, status: testCase.status, body: testCase.body.map { Data($0.utf8) })
        #expect(error.description == testCase.description)
        #expect(error.isNotFound == testCase.isNotFound)
        #expect(error.isTemporary == testCase.isTemporary)
        #expect(error.codes == testCase.codes)
        #expect(error.status == testCase.status)
        #expect(!error.description.contains("\n"))
    }

    @Test("a HEAD body is never decoded")
    func headIgnoresBody() {
        let body = Data(#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#.utf8)
        let error = RegistryError.http(method: "HEAD", url: Self.url, status: 404, body: body)
        #expect(error.errors.isEmpty)
        #expect(error.isNotFound)
    }

    @Test("random bytes never crash the body decoder")
    func randomBodies() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 7, 64, 513, 5000] {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let error = RegistryError.http(method: "GET", url: Self.url, status: 400, body: bytes)
            #expect(!error.description.contains("\n"))
            #expect(error.description.count < 600)
        }
        let prefix = Data(#"{"errors":[{"code":"DENIED","message":"#.utf8)
        for cut in 0..<prefix.count {
            let error = RegistryError.http(method: "GET", url: Self.url, status: 403, body: prefix.prefix(cut))
            #expect(error.errors.isEmpty)
        }
    }

    @Test("secrets never appear: URL user-info, signed query values, registered and Authorization values")
    func secretsNeverAppear() {
        let secrets = [
            "pw-url-41", "sig-value-42", "state-value-43", "amz-sig-44", "tok-45-abcdefgh", "pw-registered-46",
        ]
        Redaction.register(.basic(username: "someone", password: "pw-registered-46"))
        let url =
            "https://user:pw-url-41@storage.example/blob?X-Amz-Signature=amz-sig-44&_state=state-value-43"
            + "&sig=sig-value-42&digest=sha256:abc"
        let errors: [RegistryError] = [
            .http(method: "GET", url: url, status: 403, body: Data("denied for pw-registered-46".utf8)),
            .network(
                method: "PUT", url: url, reason: "connection reset by peer (Authorization: Bearer tok-45-abcdefgh)"),
            .timeout(method: "GET", url: url, after: .seconds(5)),
            .digestMismatch(method: "GET", url: url, expected: "sha256:aa", actual: "sha256:bb"),
            .invalidResponse(
                method: "POST", url: url, reason: "no Location header; sent\nBasic cHctdXJsLTQxOnNlY3JldA=="),
            .credentials("helper printed pw-registered-46"),
            RegistryError(kind: .auth, message: "token endpoint said:\n pw-registered-46", url: url),
        ]
        for error in errors {
            let description = error.description
            #expect(!description.contains("\n"), "\(description)")
            for secret in secrets {
                #expect(!description.contains(secret), "\(description)")
            }
            #expect(!(error.url ?? "").contains("pw-url-41"))
        }
        #expect(
            errors[0].url == "https://storage.example/blob?X-Amz-Signature=***&_state=***&sig=***&digest=sha256:abc")
        #expect(errors[0].description.contains("denied for ***"))
        #expect(errors[4].description.hasSuffix("sent Basic ***"))
    }

    @Test("other constructors")
    func constructors() {
        let network = RegistryError.network(method: "get", url: "http://127.0.0.1:1/v2/", reason: "connection refused")
        #expect(
            network.description
                == "GET http://127.0.0.1:1/v2/: connection refused — check that 127.0.0.1:1 is reachable (registry "
                + "running? host name, port, proxy, TLS?)")
        #expect(network.isTemporary)
        let tls = RegistryError.network(
            method: "GET", url: "https://x.example/v2/", reason: "TLS failed", temporary: false)
        #expect(!tls.isTemporary)
        #expect(RegistryError.timeout(method: "GET", url: "https://x.example/v2/", after: .seconds(30)).isTemporary)
        let config = RegistryError.configuration(file: "/a/b.conf", line: 3, column: 9, problem: "bad", fix: "fix it")
        #expect(config.description == "/a/b.conf:3:9: bad — fix it")
        #expect(
            RegistryError.io(path: "/tmp/x", operation: "write", reason: "disk full").description
                == "/tmp/x: cannot write: disk full")
        #expect(RegistryError(kind: .notFound, message: "gone").isNotFound)
        #expect(RegistryError.Kind("custom").description == "custom")
    }

    @Test("DistributionError: lenient decoding, detail as JSON text, Codable round trip")
    func distributionError() throws {
        let body = Data(
            #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v1","n":2}},{"code":"X","detail":"text"},{"code":"Y","detail":null}]}"#
                .utf8)
        let decoded = DistributionError.decodeList(from: body)
        #expect(
            decoded == [
                DistributionError(
                    code: "MANIFEST_UNKNOWN", message: "manifest unknown", detail: #"{"Tag":"v1","n":2}"#),
                DistributionError(code: "X", message: "", detail: #""text""#),
                DistributionError(code: "Y"),
            ])
        let encoded = try JSONEncoder().encode(decoded)
        #expect(try JSONDecoder().decode([DistributionError].self, from: encoded) == decoded)
        #expect(DistributionError.decodeList(from: nil).isEmpty)
        #expect(DistributionError.decodeList(from: Data("[]".utf8)).isEmpty)
        #expect(decoded[0].description == "MANIFEST_UNKNOWN: manifest unknown")
    }
}
