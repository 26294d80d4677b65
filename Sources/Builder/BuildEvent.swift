import OCI

/// What a build is doing, for progress output: reported through ``BuildOptions/progress`` as it happens (from
/// several tasks at once while blobs are pushed, so the receiver must be thread-safe).
public enum BuildEvent: Sendable, Hashable {
    /// What happened to one blob at the destination.
    public enum BlobOutcome: String, Sendable, Hashable {
        /// Its bytes were sent.
        case uploaded
        /// The destination already had it.
        case existing
        /// It was mounted from the base image's repository on the same registry.
        case mounted
    }

    /// A step began: one line such as `linux/amd64: installing 3 requirement(s) with uv (Python 3.11)`.
    case step(String)
    /// A new layer is ready: its digest, compressed size, whether the layer cache had it, and what it holds.
    case layer(platform: Platform, digest: Digest, size: Int64, cached: Bool, contents: String)
    /// One line of output of a step running in the image (`apt`, `commands`).
    case output(platform: Platform, step: BuildStepKind, line: String)
    /// A layer blob was handled at a registry destination (`size` bytes; sent only for ``BlobOutcome/uploaded``).
    case blob(platform: Platform, digest: Digest, size: Int64, outcome: BlobOutcome)
}

/// Receives ``BuildEvent``s.
public typealias BuildProgress = @Sendable (BuildEvent) -> Void
