/// An error the CLI reports as one line on standard error, with a chosen exit status.
///
/// Commands throw it for problems they detect themselves (bad arguments, a spec without a registry …); errors from
/// the libraries (``Registry/RegistryError``, ``OCI/OCIError``) are reported the same way by ``CommandRunner``.
struct CLIFailure: Error, CustomStringConvertible {
    /// The line to print (without the `error: ` prefix).
    let message: String
    /// The process exit status; 2 unless the command documents otherwise.
    let exitCode: Int32

    /// Creates a failure reported as `error: message` with exit status `exitCode`.
    init(_ message: String, exitCode: Int32 = 2) {
        self.message = message
        self.exitCode = exitCode
    }

    /// The message.
    var description: String { message }
}
