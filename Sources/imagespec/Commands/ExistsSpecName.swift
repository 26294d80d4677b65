import OCI
import Spec

/// The image name of an ImageSpec file, computed by the Spec module exactly as flytekit computes it.
enum SpecImageName {
    /// The reference `imagespec exists` checks for the spec file at `path`, named in `context`.
    ///
    /// - Returns: the reference and the spec's warnings (shown with `--verbose`).
    /// - Throws: the spec's loading or naming error (one line naming file, line and field), ``CLIFailure`` when the
    ///   spec has no registry, or when its name is not a valid image reference.
    static func reference(
        forSpecAt path: String, format: SpecFormat?, context: NamingContext
    ) throws -> (reference: Reference, warnings: [SpecDiagnostic]) {
        let loaded = try SpecLoader.load(path: path, format: format, context: context)
        let naming = try loaded.naming()
        guard let registry = naming.registry, !registry.isEmpty else {
            throw CLIFailure("\(path): spec has no registry; nothing to check — set registry in the spec")
        }
        do {
            return (try Reference(naming.imageName), loaded.warnings)
        } catch {
            throw CLIFailure("\(path): image name \"\(naming.imageName)\" is not a valid reference: \(error)")
        }
    }
}
