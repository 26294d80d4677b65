import Foundation

/// Credentials for one registry, as found in docker `config.json` or returned by a credential helper.
///
/// ``description`` never shows a password or token.
public enum Credential: Sendable, Equatable, CustomStringConvertible {
    /// A user name and password (or a personal access token used as the password): sent as HTTP Basic, to the
    /// registry for a `Basic` challenge and to the token endpoint for a `Bearer` challenge.
    case basic(username: String, password: String)
    /// An OAuth2 refresh token (docker config `identitytoken`, or a helper's answer with user name `<token>`):
    /// exchanged at the token endpoint with `grant_type=refresh_token`.
    case identityToken(String)
    /// A bearer token sent to the registry as-is (docker config `registrytoken`), without any exchange.
    case registryToken(String)

    /// `basic(username: "alice", password: ***)`, `identityToken(***)`, `registryToken(***)`.
    public var description: String {
        switch self {
        case .basic(let username, _): "basic(username: \"\(username)\", password: \(Redaction.mask))"
        case .identityToken: "identityToken(\(Redaction.mask))"
        case .registryToken: "registryToken(\(Redaction.mask))"
        }
    }

    /// The `Authorization` header value for HTTP Basic (`Basic base64(user:password)`); nil for tokens.
    public var basicAuthorization: String? {
        guard case .basic(let username, let password) = self else { return nil }
        return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// The user name, for ``basic(username:password:)``.
    public var username: String? {
        guard case .basic(let username, _) = self else { return nil }
        return username
    }
}
