import Registry
import Testing

@Suite("WWW-Authenticate parsing")
struct AuthChallengeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let header: String
        let expected: [AuthChallenge]
        var testDescription: String { header.isEmpty ? "(empty)" : header }
    }

    static let cases: [Case] = [
        Case(
            header: #"Basic realm="Registry Realm""#,
            expected: [AuthChallenge(scheme: .basic, parameters: ["realm": "Registry Realm"])]),
        Case(
            header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#,
            expected: [
                AuthChallenge(
                    scheme: .bearer,
                    parameters: ["realm": "https://auth.docker.io/token", "service": "registry.docker.io"])
            ]),
        Case(
            header: #"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/x:pull,push""#,
            expected: [
                AuthChallenge(
                    scheme: .bearer,
                    parameters: [
                        "realm": "https://ghcr.io/token", "service": "ghcr.io", "scope": "repository:acme/x:pull,push",
                    ])
            ]),
        // Two challenges in one header value.
        Case(
            header: #"Basic realm="basic-realm", Bearer realm="https://t.example/token",service="svc""#,
            expected: [
                AuthChallenge(scheme: .basic, parameters: ["realm": "basic-realm"]),
                AuthChallenge(scheme: .bearer, parameters: ["realm": "https://t.example/token", "service": "svc"]),
            ]),
        // Case-insensitive scheme and parameter names; spaces around "=" and ",".
        Case(
            header: #"bEaReR  Realm = "https://x/t" ,  SERVICE="reg.example""#,
            expected: [AuthChallenge(scheme: .bearer, parameters: ["realm": "https://x/t", "service": "reg.example"])]),
        // Escapes inside a quoted string.
        Case(
            header: #"Basic realm="say \"hi\" \\ there""#,
            expected: [AuthChallenge(scheme: .basic, parameters: ["realm": #"say "hi" \ there"#])]),
        // insufficient_scope error with a scope for a mount source; port inside the resource name.
        Case(
            header:
                #"Bearer realm="http://127.0.0.1:5001/token",service="local",scope="repository:localhost:5000/a:pull",error="insufficient_scope""#,
            expected: [
                AuthChallenge(
                    scheme: .bearer,
                    parameters: [
                        "realm": "http://127.0.0.1:5001/token", "service": "local",
                        "scope": "repository:localhost:5000/a:pull", "error": "insufficient_scope",
                    ])
            ]),
        // ECR style: Basic with realm and service.
        Case(
            header: #"Basic realm="https://111111111111.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com""#,
            expected: [
                AuthChallenge(
                    scheme: .basic,
                    parameters: [
                        "realm": "https://111111111111.dkr.ecr.us-east-1.amazonaws.com/",
                        "service": "ecr.amazonaws.com",
                    ])
            ]),
        // Unquoted values (token syntax, and a lenient unquoted URL).
        Case(
            header: "Bearer realm=https://r.example/token,service=r.example",
            expected: [
                AuthChallenge(
                    scheme: .bearer, parameters: ["realm": "https://r.example/token", "service": "r.example"])
            ]),
        // A scheme with no parameters, followed by another challenge.
        Case(
            header: #"Negotiate, Basic realm="x""#,
            expected: [
                AuthChallenge(scheme: .other("negotiate")),
                AuthChallenge(scheme: .basic, parameters: ["realm": "x"]),
            ]),
        // token68 is skipped, the next challenge still parses.
        Case(
            header: #"Negotiate YII+abc/def==, Bearer realm="r""#,
            expected: [
                AuthChallenge(scheme: .other("negotiate")),
                AuthChallenge(scheme: .bearer, parameters: ["realm": "r"]),
            ]),
        // Several scopes separated by spaces in one quoted value.
        Case(
            header: #"Bearer realm="r",scope="repository:a:pull repository:b/c:pull,push""#,
            expected: [
                AuthChallenge(
                    scheme: .bearer, parameters: ["realm": "r", "scope": "repository:a:pull repository:b/c:pull,push"])
            ]),
        // Duplicate parameter: the first wins. Empty list elements are ignored.
        Case(
            header: #", ,Bearer realm="first",realm="second",,service="s""#,
            expected: [AuthChallenge(scheme: .bearer, parameters: ["realm": "first", "service": "s"])]),
        // Unterminated quoted string: the rest is the value.
        Case(
            header: #"Bearer realm="https://x/token"#,
            expected: [AuthChallenge(scheme: .bearer, parameters: ["realm": "https://x/token"])]),
        Case(header: "", expected: []),
        Case(header: "   ,  ", expected: []),
    ]

    @Test("parses", arguments: cases)
    func parses(_ testCase: Case) {
        #expect(AuthChallenge.parse(testCase.header) == testCase.expected)
    }

    @Test("accessors and scope splitting")
    func accessors() throws {
        let header =
            #"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope""#
        let challenge = try #require(AuthChallenge.parse(header).first)
        #expect(challenge.scheme == .bearer)
        #expect(challenge.realm == "https://ghcr.io/token")
        #expect(challenge.service == "ghcr.io")
        #expect(challenge.error == "insufficient_scope")
        #expect(challenge.scopes == ["repository:a/b:pull,push", "repository:c:pull"])
    }

    @Test("preferred picks Bearer over Basic, across header values")
    func preferred() {
        let challenges = AuthChallenge.parse(headers: [#"Basic realm="b""#, #"Bearer realm="t""#])
        #expect(challenges.count == 2)
        #expect(AuthChallenge.preferred(in: challenges)?.realm == "t")
        #expect(AuthChallenge.preferred(in: AuthChallenge.parse(#"Basic realm="b""#))?.scheme == .basic)
        #expect(AuthChallenge.preferred(in: AuthChallenge.parse("Negotiate")) == nil)
    }

    @Test(
        "garbage never crashes",
        arguments: [
            "\"", "=", "==,==", "Bearer =", "Bearer realm=", "Bearer realm=\"", "Bearer ,,,realm", "\u{0}\u{1}",
            "Bearer realm=\"a\\", "ü realm=x", "Basic realm=\"x\" garbage \"y\"",
        ])
    func garbage(_ header: String) {
        for challenge in AuthChallenge.parse(header) {
            #expect(challenge.parameters.keys.allSatisfy { $0 == $0.lowercased() })
        }
    }
}
