/// The one error type of the `Builder` module.
///
/// Its ``message`` is a single line naming the field, file, base image or tool involved and the fix, so the CLI can
/// print it as is.
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

    /// Creates an error of `kind` with a one-line `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
