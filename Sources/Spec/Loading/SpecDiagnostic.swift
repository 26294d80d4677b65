/// One problem (or warning) found in a spec file, printed as a single line:
/// `FILE:LINE:COL: field 'packages': must be a list of strings (got a string) — write packages: [numpy, pandas]`.
public struct SpecDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Whether the problem stops the spec from being used.
    public enum Severity: String, Sendable, Hashable {
        /// The spec cannot be named or built.
        case error
        /// The spec works, but probably not as its author meant (e.g. `python_version: 3.10` is the float 3.1).
        case warning
    }

    /// Error or warning.
    public let severity: Severity
    /// The spec file, as given on the command line (`nil` for in-memory text).
    public let file: String?
    /// Where in the file, when known.
    public let location: SourceLocation?
    /// The field concerned (`packages`), when one is.
    public let field: String?
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, file: String?, location: SourceLocation?, field: String?, message: String
    ) {
        self.severity = severity
        self.file = file
        self.location = location
        self.field = field
        self.message = message
    }

    /// The one-line form.
    public var description: String {
        var parts: [String] = []
        if let file {
            parts.append(location.map { "\(file):\($0.line):\($0.column)" } ?? file)
        } else if let location {
            parts.append("line \(location.line), column \(location.column)")
        }
        if severity == .warning {
            parts.append("warning")
        }
        parts.append(field.map { "field '\($0)'" } ?? "")
        let prefix = parts.filter { !$0.isEmpty }.joined(separator: ": ")
        return prefix.isEmpty ? message : "\(prefix): \(message)"
    }
}
