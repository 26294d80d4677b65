/// Why the `Spec` module could not do what was asked: a spec file that cannot be loaded, an `ImageSpec` that cannot
/// be built or named, a `tag_format` template `str.format` rejects, or a file digest that cannot be computed.
///
/// One line a person can act on (`message`), the field and path at fault when there is one, and the exception
/// flytekit raises in the same situation (so tests and the flytekit plugin can map one onto the other). A spec file
/// that cannot be used (`Kind.invalidSpec`) carries every problem found, not just the first, in `diagnostics`.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public let kind: Kind
    /// One line a person can act on: what is wrong and how to fix it.
    public let message: String
    /// The field at fault, if one is.
    public let field: ImageSpecField?
    /// The path concerned (as given or as walked), if one is.
    public let path: String?
    /// The exception flytekit (or CPython's `str.format`) raises for the same input, when it raises one.
    public let pythonException: PythonException?
    /// The first line of flytekit's exception message, when it raises one (for `str.format`, CPython's message,
    /// e.g. `'foo'` for a `KeyError` or `Single '}' encountered in format string`).
    public let pythonMessage: String?
    /// For `Kind.invalidSpec`: the errors, in file order (never empty). Empty for every other kind.
    public let diagnostics: [SpecDiagnostic]
    /// For `Kind.invalidSpec`: warnings found along the way.
    public let warnings: [SpecDiagnostic]

    /// Creates an error of any kind but `Kind.invalidSpec` (use `init(diagnostics:warnings:)` for that).
    public init(
        _ kind: Kind, field: ImageSpecField? = nil, path: String? = nil, message: String,
        pythonException: PythonException? = nil, pythonMessage: String? = nil
    ) {
        precondition(kind != .invalidSpec, "an invalidSpec SpecError needs its diagnostics")
        self.kind = kind
        self.message = message
        self.field = field
        self.path = path
        self.pythonException = pythonException
        self.pythonMessage = pythonMessage
        self.diagnostics = []
        self.warnings = []
    }

    /// Creates a `Kind.invalidSpec` error; `diagnostics` must not be empty. `message` is the first problem plus a
    /// count of the others (one line).
    public init(diagnostics: [SpecDiagnostic], warnings: [SpecDiagnostic] = []) {
        precondition(!diagnostics.isEmpty, "an invalidSpec SpecError needs at least one problem")
        self.kind = .invalidSpec
        self.message = Self.summary(of: diagnostics)
        self.field = nil
        self.path = nil
        self.pythonException = nil
        self.pythonMessage = nil
        self.diagnostics = diagnostics
        self.warnings = warnings
    }

    /// `field 'packages': <message>`, or just the message when no field is at fault.
    public var description: String {
        guard let field else {
            return message
        }
        return "field '\(field.pythonName)': \(message)"
    }

    /// The first problem, plus a count of the others (one line).
    private static func summary(of diagnostics: [SpecDiagnostic]) -> String {
        let first = diagnostics[0].description
        guard diagnostics.count > 1 else {
            return first
        }
        let more = diagnostics.count - 1
        return first + " (and \(more) more problem\(more == 1 ? "" : "s"): run 'imagespec validate' to see all)"
    }
}
