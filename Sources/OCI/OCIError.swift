/// The one error type of the `OCI` module.
///
/// Its ``message`` is a single line that names the bad input (a reference, a digest, a JSON field) and says what is
/// wrong with it, so callers can print it as is.
public struct OCIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line describing what is wrong and where.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message, suitable for showing to a person.
    public var description: String { message }
}
