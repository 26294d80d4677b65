/// Why a flytekit file digest (`copy`, `source_root`) could not be computed. One line, naming the path and the fix.
public struct FileDigestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// `source_root` does not exist or is not a directory.
        case notADirectory
        /// A file could not be opened or read (flytekit would raise `OSError` as well).
        case unreadable
        /// A FIFO or device would be read: flytekit would block or read forever; imagespec refuses.
        case specialFile
        /// A file name that is not valid UTF-8 would be hashed (flytekit raises `UnicodeEncodeError`).
        case undecodableName
        /// `.dockerignore` is not valid UTF-8 or holds a pattern Python's `re` rejects (flytekit raises too).
        case invalidIgnoreFile
        /// `git ls-files` printed output that is not UTF-8 (flytekit raises `UnicodeDecodeError`).
        case gitOutput
    }

    /// What went wrong.
    public let kind: Kind
    /// The path concerned, as given or as walked.
    public let path: String
    /// One line a person can act on.
    public let message: String

    /// An error.
    public init(_ kind: Kind, path: String, message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `message`.
    public var description: String { message }
}
