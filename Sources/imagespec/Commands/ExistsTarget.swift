import Foundation
import OCI

/// Turns the argument of `imagespec exists` into the reference to check: an image reference as written, or the
/// image name of an ImageSpec file.
enum ExistsTarget {
    /// File name endings that make the argument a spec file.
    static let specExtensions = [".yaml", ".yml", ".json"]

    /// True when `argument` names a spec file by its ending.
    static func looksLikeSpecFile(_ argument: String) -> Bool {
        let lowered = argument.lowercased()
        return specExtensions.contains { lowered.hasSuffix($0) }
    }

    /// The reference to check for `argument`.
    ///
    /// - Returns: the reference and, for a spec file, its warnings.
    /// - Throws: ``CLIFailure`` for a spec file that is missing or has no registry, the spec's loading error, or
    ///   ``OCI/OCIError`` for a malformed reference.
    static func reference(
        for argument: String, specOptions: NameSpecOptions
    ) throws -> (reference: Reference, warnings: [String]) {
        guard looksLikeSpecFile(argument) else {
            return (try Reference(argument), [])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue
        else {
            throw CLIFailure(
                "\(argument): no such spec file — pass an existing .yaml/.yml/.json ImageSpec, or an image "
                    + "reference with a tag (e.g. \(argument):latest)")
        }
        let (reference, warnings) = try SpecImageName.reference(
            forSpecAt: argument, format: try specOptions.specFormat(),
            context: try specOptions.context(forSpecAt: argument))
        return (reference, warnings.map(\.description))
    }
}
