import Foundation
import Registry

/// The credentials `gcloud auth application-default login` writes (`"type": "authorized_user"`): an OAuth client
/// and a refresh token. ``description`` never shows the secret or the token.
public struct AuthorizedUserCredentials: Sendable, CustomStringConvertible {
    /// The OAuth client ID.
    public let clientID: String
    /// Where the refresh token is exchanged (`https://oauth2.googleapis.com/token` unless overridden).
    public let tokenURI: String
    /// The file the credentials were read from.
    public let path: String
    let clientSecret: String
    let refreshToken: String

    /// Google's token endpoint.
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Builds credentials from their parts; the secret and refresh token are registered with ``Redaction``.
    public init(clientID: String, clientSecret: String, refreshToken: String, tokenURI: String, path: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.tokenURI = tokenURI
        self.path = path
        Redaction.register(clientSecret)
        Redaction.register(refreshToken)
    }

    /// `authorized user (gcloud application-default login, file PATH)`.
    public var description: String { "authorized user (gcloud application-default login, file \(path))" }
}
