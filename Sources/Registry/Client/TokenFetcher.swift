import Foundation
import NIOHTTP1

/// Fetches bearer tokens from a token endpoint (docker token specification).
///
/// With Basic credentials or none: `GET realm?service=…&scope=…[&scope=…]`. With an identity (refresh) token:
/// `POST realm` with an `application/x-www-form-urlencoded` `grant_type=refresh_token` body (OAuth2 flavour); a
/// token endpoint that answers that POST with 404 or 405 (GCR-style servers) is asked again with the GET form and
/// Basic `<token>:<identity token>`, as docker does. The answer's `token` or `access_token` is used; `expires_in`
/// defaults to 60 seconds.
enum TokenFetcher {
    /// A token and how long it may be used.
    struct Fetched: Sendable {
        let token: String
        let lifetime: Duration
        /// True when an identity token had to be sent with GET because the endpoint refused the OAuth2 POST;
        /// later requests to the same realm can skip the POST.
        let refusedPost: Bool
    }

    /// The JSON a token endpoint answers.
    private struct Answer: Decodable {
        let token: String?
        let accessToken: String?
        let expiresIn: Int?

        enum CodingKeys: String, CodingKey {
            case token
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }
    }

    /// The client id sent with OAuth2 requests.
    static let clientID = "imagespec"
    /// The user name that goes with an identity token in Basic credentials (docker's convention).
    static let identityTokenUsername = "<token>"
    /// Statuses of the OAuth2 POST that mean "this endpoint only knows the GET form".
    static let postUnsupported: Set<Int> = [404, 405]

    /// Asks `realm` for a token granting `scopes` on behalf of `credential` (anonymous when nil).
    ///
    /// - Parameter usePost: false to send an identity token with GET right away (the realm refused POST before).
    static func fetch(
        realm: String, service: String, scopes: [String], credential: Credential?, endpoint: RegistryEndpoint,
        usePost: Bool = true, using transport: Transport
    ) async throws(RegistryError) -> Fetched {
        let host = endpoint.host
        guard let origin = RegistryURL.origin(realm) else {
            throw RegistryError.auth(host: host, "the token realm \"\(realm)\" is not an http(s) URL")
        }
        if origin.hasPrefix("http://"), credential != nil, endpoint.usesTLS {
            throw RegistryError.auth(
                host: host,
                "refusing to send credentials to the plain-http token realm \(Redaction.url(realm)); "
                    + "mark the registry insecure in registries.conf if this is intended")
        }
        var request = getRequest(realm: realm, service: service, scopes: scopes, credential: credential)
        var refusedPost = !usePost
        if case .identityToken(let refreshToken) = credential, usePost {
            request = postRequest(realm: realm, service: service, scopes: scopes, refreshToken: refreshToken)
        }
        var response = try await transport.fetch(request, accepted: acceptedStatuses, limit: 1 << 20)
        if request.method == .POST, postUnsupported.contains(response.status) {
            transport.logger.debug(
                "token endpoint refuses the OAuth2 POST; asking with GET",
                metadata: ["realm": "\(Redaction.url(realm))", "status": "\(response.status)"])
            refusedPost = true
            request = getRequest(realm: realm, service: service, scopes: scopes, credential: credential)
            response = try await transport.fetch(request, accepted: acceptedStatuses, limit: 1 << 20)
        }
        let method = request.method.rawValue
        guard response.status == 200 else {
            let hint =
                credential == nil
                ? Authenticator.noCredentialsHint(host)
                : "the token endpoint for \(host) refused the credentials; check `docker login \(host)` "
                    + "or the credential helper"
            throw RegistryError.http(
                method: method, url: response.url, status: response.status, body: response.body, hint: hint)
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: response.body),
            let token = [answer.token, answer.accessToken].compactMap({ $0 }).first(where: { !$0.isEmpty })
        else {
            throw RegistryError.invalidResponse(
                method: method, url: response.url, status: 200,
                reason: "the token endpoint for \(host) answered without a token (expected JSON with "
                    + "\"token\" or \"access_token\")")
        }
        Redaction.register(token)
        let seconds = answer.expiresIn.flatMap { $0 > 0 ? $0 : nil } ?? 60
        return Fetched(token: token, lifetime: .seconds(seconds), refusedPost: refusedPost)
    }

    /// Statuses read (not thrown) so the answer can be explained or the POST retried as GET.
    private static let acceptedStatuses: Set<Int> = [200, 400, 401, 403, 404, 405]

    /// `GET realm?service=…&scope=…` with Basic credentials: the user's, or `<token>:<identity token>`.
    private static func getRequest(realm: String, service: String, scopes: [String], credential: Credential?)
        -> RegistryRequest
    {
        let query = [("service", service)] + scopes.map { ("scope", $0) }
        var request = RegistryRequest(.GET, RegistryURL.appendingQuery(realm, query))
        let basic: String?
        switch credential {
        case .basic?: basic = credential?.basicAuthorization
        case .identityToken(let refreshToken)?:
            basic = Credential.basic(username: identityTokenUsername, password: refreshToken).basicAuthorization
        case .registryToken?, nil: basic = nil
        }
        if let basic {
            request.headers.add(name: "Authorization", value: basic)
        }
        return request
    }

    /// `POST realm` with the OAuth2 `grant_type=refresh_token` form.
    private static func postRequest(realm: String, service: String, scopes: [String], refreshToken: String)
        -> RegistryRequest
    {
        var form = [
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("service", service),
            ("client_id", clientID),
        ]
        if !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
        let body = form.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        return RegistryRequest(
            .POST, realm, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: .data(Data(body.utf8)))
    }

    /// `application/x-www-form-urlencoded` encoding of one name or value.
    private static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
    }
}
