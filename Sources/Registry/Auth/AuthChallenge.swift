/// One challenge of a `WWW-Authenticate` header (RFC 7235), e.g.
/// `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull"`.
public struct AuthChallenge: Sendable, Equatable {
    /// The authentication scheme, compared case-insensitively.
    public enum Scheme: Sendable, Hashable, CustomStringConvertible {
        /// HTTP Basic: send `Authorization: Basic base64(user:password)`.
        case basic
        /// Bearer token auth (docker token spec): fetch a token from `realm`.
        case bearer
        /// Any other scheme, lowercased (`negotiate`, `digest` …).
        case other(String)

        /// Parses a scheme name case-insensitively.
        public init(_ name: String) {
            switch name.lowercased() {
            case "basic": self = .basic
            case "bearer": self = .bearer
            case let other: self = .other(other)
            }
        }

        /// `Basic`, `Bearer`, or the lowercased name.
        public var description: String {
            switch self {
            case .basic: "Basic"
            case .bearer: "Bearer"
            case .other(let name): name
            }
        }
    }

    /// The scheme.
    public let scheme: Scheme
    /// The auth-params, keys lowercased, values unquoted and unescaped; the first occurrence of a key wins.
    public let parameters: [String: String]

    /// Creates a challenge; parameter keys are lowercased.
    public init(scheme: Scheme, parameters: [String: String] = [:]) {
        self.scheme = scheme
        var lowered: [String: String] = [:]
        for (key, value) in parameters where lowered[key.lowercased()] == nil {
            lowered[key.lowercased()] = value
        }
        self.parameters = lowered
    }

    /// The `realm` parameter: the token endpoint URL for Bearer.
    public var realm: String? { parameters["realm"] }
    /// The `service` parameter, passed back to the token endpoint.
    public var service: String? { parameters["service"] }
    /// The `scope` parameter, e.g. `repository:a/b:pull,push` (may hold several scopes separated by spaces).
    public var scope: String? { parameters["scope"] }
    /// The `error` parameter, e.g. `insufficient_scope` or `invalid_token`.
    public var error: String? { parameters["error"] }

    /// The individual scopes of ``scope`` (split at spaces), e.g. `["repository:a/b:pull,push"]`.
    public var scopes: [String] {
        (scope ?? "").split(separator: " ").map(String.init)
    }

    /// Parses a `WWW-Authenticate` value that may hold several challenges
    /// (`Basic realm="a", Bearer realm="b",service="c"`). Never fails: unparsable parts are skipped.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var parser = AuthChallengeParser(header)
        return parser.parseAll()
    }

    /// Parses several `WWW-Authenticate` header values (a response may repeat the header), in order.
    public static func parse(headers: some Sequence<String>) -> [AuthChallenge] {
        headers.flatMap { parse($0) }
    }

    /// The challenge to answer among `challenges`: the first Bearer, else the first Basic, else nil.
    public static func preferred(in challenges: [AuthChallenge]) -> AuthChallenge? {
        challenges.first { $0.scheme == .bearer } ?? challenges.first { $0.scheme == .basic }
    }
}
