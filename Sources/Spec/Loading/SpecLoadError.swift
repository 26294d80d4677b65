/// A spec file that cannot be used: every problem found (not just the first), each a one-line `SpecDiagnostic`.
public struct SpecLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, in file order.
    public let problems: [SpecDiagnostic]
    /// Warnings found along the way.
    public let warnings: [SpecDiagnostic]

    /// Creates an error; `problems` must not be empty.
    public init(problems: [SpecDiagnostic], warnings: [SpecDiagnostic] = []) {
        precondition(!problems.isEmpty, "a SpecLoadError needs at least one problem")
        self.problems = problems
        self.warnings = warnings
    }

    /// The first problem, plus a count of the others (one line).
    public var description: String {
        let first = problems[0].description
        guard problems.count > 1 else {
            return first
        }
        let more = problems.count - 1
        return first + " (and \(more) more problem\(more == 1 ? "" : "s"): run 'imagespec validate' to see all)"
    }
}
