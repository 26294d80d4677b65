import Foundation
import Layers
import OCI
import Registry

/// How a build runs: things that are not in the spec (flags, environment, caches).
public struct BuildOptions: Sendable {
    /// Whether and which `flytekit` is added to the packages (default: `flytekit`, any version).
    public var flytekit: FlytekitRequirement
    /// Layer compression (default gzip level 1).
    public var compression: LayerCompression
    /// Timestamp of every file, the config and the history, in seconds (default: `SOURCE_DATE_EPOCH`, else 0).
    public var sourceDateEpoch: Int64
    /// The local layer cache (also holds downloaded base blobs and build scratch space).
    public var cacheRoot: String
    /// The `uv` executable; nil looks it up in ``uvSearchDirectories``, then on `PATH` of ``environment``.
    public var uvExecutable: String?
    /// Directories searched for `uv` before `PATH` when ``uvExecutable`` is nil (default: none). The CLI passes the
    /// directory of its own executable, where a wheel install (`pip install flytekitplugins-imagespec`) puts `uv`.
    public var uvSearchDirectories: [String] = []
    /// Environment for `uv` (proxies, `UV_CACHE_DIR`, `PATH`, …) and for `SOURCE_DATE_EPOCH`.
    public var environment: [String: String]
    /// The Python version of the machine flytekit runs on (`major.minor`), used for the default base image when the
    /// spec has no `python_version`; nil asks `python3` on `PATH` when needed.
    public var localPythonVersion: String?
    /// How many blobs are uploaded (and layers compressed) at once.
    public var concurrency: Int
    /// Receives progress events (steps, layers, blobs); nil reports nothing.
    public var progress: BuildProgress?
    /// Checks that a registry destination accepts a push, after the exists check and before any base pull, uv or
    /// layer work; nil uses `RegistryClient.checkPushAccess(to:)` (POST an upload, then DELETE it). The CLI passes
    /// one that explains Artifact Registry answers and may create the repository.
    public var preflight: BuildPreflight? = nil
    /// The longest a step run in the image (`apt_packages`, `commands`) may take; nil (default) sets no limit.
    /// Cancelling the build stops a running step and every process it started, whatever this says.
    public var stepTimeout: Duration? = nil
    /// Whether a `copy` entry or `source_root` file that is (or lies below) a symlink leading outside its project
    /// directory is followed, bringing the outside file into the image; false (default) refuses it
    /// (`--follow-external-symlinks`).
    public var followExternalSymlinks = false

    /// Creates options; `environment` also provides `SOURCE_DATE_EPOCH` and the default cache directory.
    public init(
        flytekit: FlytekitRequirement = .latest, compression: LayerCompression = .gzip(),
        sourceDateEpoch: Int64? = nil, cacheRoot: String? = nil, uvExecutable: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, localPythonVersion: String? = nil,
        concurrency: Int = 4, progress: BuildProgress? = nil
    ) throws(BuildError) {
        self.progress = progress
        self.flytekit = flytekit
        self.compression = compression
        if let sourceDateEpoch {
            self.sourceDateEpoch = sourceDateEpoch
        } else {
            do {
                self.sourceDateEpoch = try LayerOptions.sourceDateEpoch(environment: environment)
            } catch {
                throw BuildError(.invalidSpec, error.message)
            }
        }
        self.cacheRoot = cacheRoot ?? LayerCache.defaultRoot(environment: environment)
        self.uvExecutable = uvExecutable
        self.environment = environment
        self.localPythonVersion = localPythonVersion
        self.concurrency = max(1, concurrency)
    }

    /// Reports `event` to ``progress``, if any.
    func report(_ event: BuildEvent) {
        progress?(event)
    }

    /// The layer options these settings give.
    var layerOptions: LayerOptions {
        LayerOptions(compression: compression, mtime: sourceDateEpoch)
    }
}

/// A push-access check for a registry destination (see ``BuildOptions/preflight``); throws a ``BuildError`` (or any
/// error, reported as a registry error) when the push would fail.
public typealias BuildPreflight = @Sendable (_ destination: Reference, _ client: RegistryClient) async throws -> Void
