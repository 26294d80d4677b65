/// Everything `imagespec validate` found in one spec file.
public struct ValidationReport: Sendable {
    /// Errors, in file order; empty when the spec is usable.
    public let problems: [SpecDiagnostic]
    /// Warnings, in file order.
    public let warnings: [SpecDiagnostic]
    /// The image name and its intermediates, when the spec could be named.
    public let naming: ImageNaming?

    /// Whether the spec has no errors.
    public var isValid: Bool { problems.isEmpty }
}
