/// One `pip_secret_mounts` entry: a host file mounted as a secret at `target` while packages are installed.
public struct PipSecretMount: Sendable, Hashable {
    /// The file on the build host (flytekit's tuple element 0).
    public var source: String
    /// Where the secret appears during `pip install` (flytekit's tuple element 1), e.g. `/root/.netrc`.
    public var target: String

    /// Creates a mount.
    public init(source: String, target: String) {
        self.source = source
        self.target = target
    }

    /// The Python value flytekit holds: the tuple `(source, target)`.
    public var pyValue: PyValue {
        .tuple([.str(source), .str(target)])
    }
}
