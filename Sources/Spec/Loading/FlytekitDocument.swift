import Foundation

/// The JSON document the flytekit plugin (`python/`, `flytekitplugins-imagespec`) hands to
/// `imagespec build --flytekit-json`: the spec exactly as flytekit holds it when it asks the builder, the names
/// flytekit computed, and what only the Python process knows.
///
/// ```json
/// {"format": "imagespec.flytekit/v1",
///  "spec": {"name": "wf", "registry": "ghcr.io/acme", "source_root": "/p", "source_copy_mode": "LOADED_MODULES", …},
///  "python_types": {"source_copy_mode": "str"},          // optional: fields flytekit held as a plain str
///  "flytekit": {"image_name": "ghcr.io/acme/wf:TAG", "tag": "TAG", "id": "ID", "name": "wf", …},
///  "source_root_files": ["/p/wf/__init__.py", …],         // ls_files for the copy mode, or null
///  "cwd": "/p", "host_machine": "x86_64", "python_version": "3.11.7", "flytekit_version": "1.16.31",
///  "force_push": false, "plugin_version": "0.1.0"}
/// ```
///
/// `spec` is read like a JSON spec file (Python `json.loads` typing, `source_copy_mode` by member name, a nested base
/// spec as `{"image_spec": {…}}`); the naming context is the document's `cwd`, `host_machine` and
/// `source_root_files`, so the name imagespec computes is flytekit's — ``checkedNaming()`` proves it.
public struct FlytekitDocument: Sendable {
    /// The value of `format` this version reads.
    public static let format = "imagespec.flytekit/v1"

    /// The spec with the naming context the document describes.
    public let loaded: LoadedSpec
    /// flytekit's `image_name()` before any builder mapping: `registry/name:tag` or `name:tag`.
    public let imageName: String
    /// flytekit's `tag`.
    public let tag: String
    /// flytekit's `id` as flytekit holds it (it may have been computed before flytekit replaced a nested base spec by
    /// its name); the image carries it as `_F_IMG_ID` so `ImageSpec.is_container()` holds in the task's pod.
    public let id: String
    /// The local Python version (`3.11.7`).
    public let pythonVersion: String?
    /// The local flytekit version (`1.16.31`).
    public let flytekitVersion: String?
    /// Whether flytekit asked for a forced build (`force_push()` / `FLYTE_FORCE_PUSH_IMAGE_SPEC`).
    public let forcePush: Bool
    /// The plugin's version, for messages.
    public let pluginVersion: String?

    /// `major.minor` of ``pythonVersion`` (`3.11`).
    public var pythonMajorMinor: String? {
        guard let pythonVersion else { return nil }
        let parts = pythonVersion.split(separator: ".")
        return parts.count >= 2 ? "\(parts[0]).\(parts[1])" : nil
    }

    /// The flytekit requirement pin flytekit's default builder would add: the local version, or nil for an
    /// empty or development version (flytekit then adds plain `flytekit`).
    public var flytekitPin: String? {
        guard let version = flytekitVersion, !version.isEmpty, !version.contains("dev") else { return nil }
        return version
    }

    /// Reads the document at `path`.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpecError) -> FlytekitDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(diagnostics: [
                SpecDiagnostic(
                    .error, file: path, location: nil, field: nil,
                    message: "cannot read the flytekit document — check the path (the plugin writes it)")
            ])
        }
        return try load(bytes: Array(data), file: path, environment: environment)
    }

    /// Reads a document from bytes (`file` is only used in messages).
    public static func load(
        bytes: [UInt8], file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SpecError) -> FlytekitDocument {
        var reader = JSONSpecReader(file: file)
        guard let root = reader.read(bytes: bytes) else {
            throw SpecError(diagnostics: reader.problems)
        }
        var envelope = Envelope(file: file, root: root)
        return try envelope.document(environment: environment)
    }

    /// flytekit's name recomputed by imagespec from the document, checked against flytekit's: a difference is an
    /// error naming both (never build an image under a name flytekit does not use).
    public func checkedNaming() throws(SpecError) -> ImageNaming {
        let naming = try loaded.naming()
        guard naming.imageName == imageName else {
            throw SpecError(diagnostics: [
                SpecDiagnostic(
                    .error, file: loaded.file, location: nil, field: nil,
                    message: "imagespec names this spec \(naming.imageName) but flytekit named it \(imageName) — "
                        + "refusing to build under a name flytekit would not use; please report it with the "
                        + "document (IMAGESPEC_KEEP_DOCUMENT=1 keeps it)")
            ])
        }
        return naming
    }

    init(
        loaded: LoadedSpec, imageName: String, tag: String, id: String, pythonVersion: String?,
        flytekitVersion: String?, forcePush: Bool, pluginVersion: String?
    ) {
        self.loaded = loaded
        self.imageName = imageName
        self.tag = tag
        self.id = id
        self.pythonVersion = pythonVersion
        self.flytekitVersion = flytekitVersion
        self.forcePush = forcePush
        self.pluginVersion = pluginVersion
    }
}
