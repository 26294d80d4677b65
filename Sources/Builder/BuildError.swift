/// The one error type of the `Builder` module.
///
/// Its ``message`` is a single line naming the field, file, base image or tool involved and the fix, so the CLI can
/// print it as is. When another module's error caused it (a ``Registry/RegistryError``, a ``Layers/LayerError``, a
/// preflight's error), ``cause`` keeps that error for callers that inspect it; equality and hashing ignore it.
public struct BuildError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers (and tests) that react differently to different failures.
    public enum Kind: String, Sendable, Hashable {
        /// The spec uses a field this builder does not support yet.
        case unsupportedField
        /// A spec value cannot be used (bad platform, unreadable requirements file, …).
        case invalidSpec
        /// The base image has no Python interpreter.
        case baseWithoutPython
        /// `uv` is not installed.
        case missingTool
        /// `uv` could not install the packages.
        case installFailed
        /// The installed tree is unusable (bad RECORD, unreadable files, …).
        case staging
        /// A destination (`--output`) is malformed or cannot be written.
        case destination
        /// A registry operation failed.
        case registry
        /// Building a layer failed.
        case layer
        /// Any other I/O failure.
        case io
        /// A step run in the image (`apt_packages`, `commands`) failed.
        case runFailed
        /// This host cannot run steps in the image (not Linux, no privileges, no overlayfs, no emulator).
        case cannotRun
    }

    /// The category of the failure.
    public let kind: Kind
    /// One line describing what is wrong and how to fix it.
    public let message: String
    /// The underlying error, when another module's error caused this one.
    public let cause: (any Error & Sendable)?

    /// Creates an error of `kind` with a one-line `message` and, optionally, the error that caused it.
    public init(_ kind: Kind, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.cause = cause
    }

    /// Equal when kind and message are (the cause is not compared).
    public static func == (lhs: BuildError, rhs: BuildError) -> Bool {
        lhs.kind == rhs.kind && lhs.message == rhs.message
    }

    /// Hashes kind and message.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(message)
    }

    /// The message.
    public var description: String { message }
}
