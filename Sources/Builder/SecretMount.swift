import Foundation
import Spec

/// One `pip_secret_mounts` entry as the builder uses it: a host file that `uv` reads during the install, through an
/// environment variable, and that never goes into any layer (it is not copied anywhere).
///
/// flytekit mounts the file at `target` inside a Docker build. Here nothing runs inside the image, so the target
/// decides which variable points `uv` at the host file:
///
/// | target (by file name)                      | how uv gets it                               |
/// | ------------------------------------------ | -------------------------------------------- |
/// | `.netrc` / `_netrc` (e.g. `/root/.netrc`)  | `NETRC=<source>` (credentials per host)      |
/// | `uv.toml` (e.g. `/etc/uv/uv.toml`)         | `UV_CONFIG_FILE=<source>` (indexes, auth …)  |
///
/// `pip.conf` / `pip.ini` targets are refused: uv (which flytekit's default builder also uses) never reads them, so
/// the same settings belong in a `uv.toml` or a `.netrc`. Any other target is refused too, naming it.
public struct SecretMount: Sendable, Hashable {
    /// How uv is pointed at the file.
    public enum Use: String, Sendable, Hashable {
        /// A netrc file: `NETRC`.
        case netrc
        /// A uv configuration file: `UV_CONFIG_FILE`.
        case uvConfig

        /// The environment variable.
        public var environmentVariable: String {
            switch self {
            case .netrc: "NETRC"
            case .uvConfig: "UV_CONFIG_FILE"
            }
        }
    }

    /// The absolute path of the file on this machine.
    public var source: String
    /// The spec's target path (only its file name matters).
    public var target: String
    /// How uv gets it.
    public var use: Use

    /// Creates a mount.
    public init(source: String, target: String, use: Use) {
        self.source = source
        self.target = target
        self.use = use
    }

    /// Maps the spec's entries (relative sources against `workingDirectory`), checking that each source is a
    /// readable file and that no variable is used twice.
    public static func plan(_ mounts: [PipSecretMount], workingDirectory: String) throws(BuildError) -> [SecretMount] {
        var result: [SecretMount] = []
        for mount in mounts {
            let name = (mount.target as NSString).lastPathComponent
            let use: Use
            switch name {
            case ".netrc", "_netrc":
                use = .netrc
            case "uv.toml":
                use = .uvConfig
            case "pip.conf", "pip.ini":
                throw BuildError(
                    .unsupportedField,
                    "pip_secret_mounts target \(mount.target): uv does not read pip.conf — put the index settings in "
                        + "a uv.toml (target /etc/uv/uv.toml) and credentials in a netrc (target /root/.netrc)")
            default:
                throw BuildError(
                    .unsupportedField,
                    "pip_secret_mounts target \(mount.target) is not supported — use a .netrc target (e.g. "
                        + "/root/.netrc, passed to uv as NETRC) or a uv.toml target (e.g. /etc/uv/uv.toml, passed "
                        + "as UV_CONFIG_FILE)")
            }
            if let other = result.first(where: { $0.use == use }) {
                throw BuildError(
                    .invalidSpec,
                    "pip_secret_mounts targets \(other.target) and \(mount.target) both set \(use.environmentVariable) "
                        + "— keep one")
            }
            let source =
                mount.source.hasPrefix("/")
                ? mount.source : (workingDirectory as NSString).appendingPathComponent(mount.source)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isReadableFile(atPath: source)
            else {
                throw BuildError(
                    .invalidSpec,
                    "pip_secret_mounts source \(source) (for \(mount.target)) is not a readable file — fix the path")
            }
            result.append(SecretMount(source: source, target: mount.target, use: use))
        }
        return result
    }

    /// `text` with every line and every word (6 characters or more) of the secret files replaced by `<redacted>`, so
    /// an error quoting a file (a TOML parse error, say) never shows a secret. When a secret file cannot be read
    /// again, nothing of `text` is shown (it might quote that secret): a line saying why replaces it.
    static func redact(_ text: String, secrets: [SecretMount]) -> String {
        var result = text
        for secret in secrets {
            guard let content = try? String(contentsOfFile: secret.source, encoding: .utf8) else {
                return "<message withheld: the secret file \(secret.source) could not be read again to redact it>"
            }
            let lines = content.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let words = content.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "=" })
                .map(String.init)
            for piece in (lines + words).filter({ $0.count >= 6 }).sorted(by: { $0.count > $1.count }) {
                result = result.replacingOccurrences(of: piece, with: "<redacted>")
            }
        }
        return result
    }
}
