/// An error from a test fixture: one line saying what failed and how to fix it.
public struct TestSupportError: Error, Sendable, CustomStringConvertible {
    /// The one-line message.
    public let message: String

    /// Creates an error with a one-line message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message, as shown by Swift Testing when a test throws it.
    public var description: String { message }
}
