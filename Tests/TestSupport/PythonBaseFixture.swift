import Foundation

/// A real Debian bookworm image with the distribution's `python3`, made without Docker by `scripts/python-base.sh`
/// (debootstrap minbase + umoci), for builder tests that run Python inside the built image.
///
/// The script caches the image on disk (`/var/cache/imagespec-test/python-base/…`, or `$IMAGESPEC_PYBASE_CACHE`):
/// the first run on a machine takes about a minute, later runs well under a second. Within one test process the
/// script runs once; ``push(to:repository:tag:)`` copies the cached layout into a registry fixture with skopeo.
public enum PythonBaseFixture {
    /// The cached base image.
    public struct Layout: Sendable, Hashable {
        /// The OCI layout directory (image tag `latest`).
        public let path: String
        /// The manifest digest in the layout (`sha256:…`).
        public let digest: String
        /// The full Python version inside (`3.11.2`).
        public let pythonVersion: String

        /// `major.minor` of ``pythonVersion``.
        public var pythonMajorMinor: String {
            pythonVersion.split(separator: ".").prefix(2).joined(separator: ".")
        }
    }

    private static let prepared = Task<Layout, any Error> {
        let result = try await ExternalTool.runAsync(
            TestEnvironment.script("python-base.sh"), [], timeout: .seconds(900))
        guard result.succeeded else {
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? "no output"
            throw TestSupportError("scripts/python-base.sh failed (status \(result.status)): \(last)")
        }
        let values = parse(result.stdout)
        guard let path = values["PYBASE_LAYOUT"], let digest = values["PYBASE_DIGEST"],
            let version = values["PYTHON_VERSION"]
        else {
            throw TestSupportError("scripts/python-base.sh printed no PYBASE_LAYOUT/PYBASE_DIGEST/PYTHON_VERSION")
        }
        return Layout(path: path, digest: digest, pythonVersion: version)
    }

    /// The cached base image, built on first use (once per test process).
    public static func layout() async throws -> Layout {
        try await prepared.value
    }

    /// Pushes the base image to `registry` as `<repository>:<tag>` and returns that reference
    /// (`127.0.0.1:PORT/library/python:3.11-bookworm` by default).
    @discardableResult
    public static func push(
        to registry: RegistryFixture, repository: String = "library/python", tag: String = "3.11-bookworm"
    ) async throws -> String {
        let layout = try await layout()
        let reference = registry.reference(repository, tag: tag)
        var arguments = ["copy", "--retry-times", "2", "--dest-tls-verify=false"]
        if let credentials = registry.credentials {
            arguments += ["--dest-creds", credentials]
        }
        arguments += ["oci:\(layout.path):latest", "docker://\(reference)"]
        try await ExternalTool.runAsync("skopeo", arguments, timeout: .seconds(120)).check()
        return reference
    }

    /// `KEY=value` lines → dictionary.
    static func parse(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}
