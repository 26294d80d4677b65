#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one error type of the `Layers` module.
///
/// Its ``message`` is a single line that names the file or layer path involved and says how to fix the problem, so
/// callers can print it as is.
public struct LayerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to different failures.
    public enum Kind: Sendable, Hashable {
        /// A path inside the layer is absolute, contains `..`, is empty or otherwise unusable.
        case invalidPath
        /// Two entries claim the same path, or an entry sits below a path that is not a directory.
        case conflict
        /// A hardlink points outside the layer or at something that is not a regular file written before it.
        case invalidLink
        /// A source is a socket, fifo or device, which layers cannot carry.
        case unsupportedFileType
        /// A file changed size while it was being read.
        case fileChanged
        /// An option is out of range (compression level, mtime).
        case invalidOption
        /// The compressor reported an error.
        case compression
        /// A system call failed (open, read, write, rename, …).
        case io
        /// The surrounding task was cancelled.
        case cancelled
    }

    /// The category of the failure.
    public let kind: Kind
    /// One line describing what is wrong, where, and how to fix it.
    public let message: String

    /// Creates an error of `kind` with a one-line `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, suitable for showing to a person.
    public var description: String { message }
}

extension LayerError {
    /// An I/O error for `operation` on `path`, carrying the text of `errno`.
    static func io(_ operation: String, _ path: String, errno code: Int32) -> LayerError {
        if code == ENOSPC || code == EDQUOT {
            return LayerError(
                .io,
                "\(operation) \(path): \(systemErrorText(code)) — free space on that file system or use a cache "
                    + "directory with more room")
        }
        return LayerError(.io, "\(operation) \(path): \(systemErrorText(code))")
    }
}
