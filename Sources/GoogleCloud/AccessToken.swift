import Foundation

/// A Google OAuth2 access token and when it expires. ``description`` never shows the token.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible {
    /// The token (`ya29.…`).
    public let value: String
    /// When Google said it expires.
    public let expiresAt: Date

    /// Creates a token.
    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }

    /// `access token (expires …)`.
    public var description: String { "access token (expires \(expiresAt))" }
}
