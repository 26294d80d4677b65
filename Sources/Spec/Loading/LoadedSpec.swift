/// A spec read from a file, with what is needed to name it as flytekit would.
public struct LoadedSpec: Sendable {
    /// The spec.
    public let spec: ImageSpec
    /// The file it came from (`nil` for in-memory text).
    public let file: String?
    /// The file's syntax.
    public let format: SpecFormat
    /// Things that work but probably not as meant (e.g. `python_version: 3.10` is the float 3.1).
    public let warnings: [SpecDiagnostic]
    /// The environment used for naming: by default the spec file's directory as working directory.
    public let context: NamingContext
    /// Where each top-level field's value is in the file.
    let locations: [ImageSpecField: SourceLocation]

    /// Names the spec (see `ImageSpec.naming(in:)`); errors name the file, line and field.
    public func naming() throws(SpecError) -> ImageNaming {
        do {
            return try spec.naming(in: context)
        } catch {
            throw SpecError(diagnostics: [diagnostic(for: error)], warnings: warnings)
        }
    }

    /// flytekit's `image_name()` for the spec.
    public func imageName() throws(SpecError) -> String {
        try naming().imageName
    }

    /// A located, one-line diagnostic for a model error.
    func diagnostic(for error: SpecError) -> SpecDiagnostic {
        SpecDiagnostic(
            .error, file: file, location: error.field.flatMap { locations[$0] }, field: error.field?.pythonName,
            message: error.message)
    }
}
