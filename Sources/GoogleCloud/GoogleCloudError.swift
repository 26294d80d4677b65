import Registry

/// A Google Cloud problem (a bad image path, unusable credentials, a refused token request): one line naming the
/// thing and the fix, never a secret.
public struct GoogleCloudError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line, redacted.
    public let message: String

    /// Creates an error; `message` is collapsed to one line and redacted.
    public init(_ message: String) {
        self.message = Redaction.text(Redaction.oneLine(message))
    }

    /// The line.
    public var description: String { message }

    /// The same problem as a ``RegistryError`` of kind `credentials` (what credential providers throw).
    public var registryError: RegistryError {
        RegistryError.credentials(message)
    }
}
