/// The one error type of the `Runner` module.
///
/// ``message`` is a single line that says what went wrong and what to do; ``outputTail`` holds the last lines the
/// command printed when it ran at all.
public struct RunError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that react differently to different failures.
    public enum Kind: Sendable, Hashable {
        /// The host is not Linux.
        case notLinux
        /// The process is not root (overlay mounts and namespaces need it).
        case notPrivileged
        /// The kernel has no overlay file system.
        case noOverlay
        /// A host tool (unshare, mount, chroot, tar, a decompressor) is missing.
        case missingTool
        /// The image has no runnable `/bin/sh`.
        case noShell
        /// The command exited with a non-zero status (or was killed by a signal: 128 + its number).
        case commandFailed(status: Int32)
        /// The command ran longer than the request's timeout and was killed.
        case timedOut
        /// The calling task was cancelled and the command was killed.
        case cancelled
        /// A user named in the request does not exist in the image.
        case unknownUser
        /// A request field is unusable (bad environment entry, relative path, …).
        case invalidRequest
        /// A file system operation or the set-up of the run failed.
        case io
        /// A layer blob does not unpack, or its uncompressed digest is not its diff_id.
        case corruptLayer
        /// No emulator for the requested foreign architecture.
        case noEmulator
    }

    /// The category of the failure.
    public let kind: Kind
    /// One line describing what is wrong and how to fix it.
    public let message: String
    /// The last lines of the command's combined output (empty when it did not run).
    public let outputTail: [String]

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, outputTail: [String] = []) {
        self.kind = kind
        self.message = message
        self.outputTail = outputTail
    }

    /// The message, suitable for showing to a person.
    public var description: String { message }
}
