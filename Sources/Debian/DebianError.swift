/// An error from reading Debian metadata (control files, sources lists, dpkg configuration, keyrings).
public struct DebianError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// A file is not in the format it should be.
        case malformed
        /// Something the image needs is not there.
        case missing
        /// A valid input this code does not handle.
        case unsupported
    }

    public var kind: Kind
    /// One line, naming the file and what to do.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
