/// An `Authorization` header value the ``Authenticator`` produced, and where it came from, so a 401 can be
/// answered correctly (drop a rejected token, or report rejected Basic credentials).
struct Authorization: Sendable {
    /// How the value was obtained.
    enum Source: Sendable, Equatable {
        /// `Basic base64(user:password)` for a Basic challenge.
        case basic
        /// A bearer token fetched from the token endpoint.
        case fetchedToken
        /// A bearer token from the docker config (`registrytoken`), used as-is.
        case registryToken
    }

    /// The header value (`Basic …` / `Bearer …`). Never logged.
    let header: String
    /// Where it came from.
    let source: Source
    /// The bare token for ``Source/fetchedToken``, to remove it from the cache when rejected.
    let token: String?
    /// True when the token came from the cache rather than from a token request made for this very request: a
    /// rejected cached token may simply have expired on the server, a rejected fresh one will not get better.
    let cached: Bool

    init(header: String, source: Source, token: String? = nil, cached: Bool = false) {
        self.header = header
        self.source = source
        self.token = token
        self.cached = cached
    }
}
