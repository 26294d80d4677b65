/// The kinds of build step, in the order flytekit's default builder runs them (its Dockerfile template):
/// `apt_packages`, then the Python packages, then the `copy`/`source_root` files, then `commands`.
public enum BuildStepKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `apt-get update && apt-get install -y --no-install-recommends …`, run in the image.
    case apt
    /// The Python packages, installed on the host with uv for the image's platform (one layer per package).
    case packages
    /// The `copy` and `source_root` files under `/root`.
    case files
    /// The spec's `commands`, joined with ` && ` and run in the image as one step.
    case commands

    /// Whether the step executes code of the image (and so needs the run engine).
    public var runsInImage: Bool {
        self == .apt || self == .commands
    }
}
