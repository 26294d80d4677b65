import Foundation

/// A real Debian bookworm image with the distribution's `python3`, made without Docker by `scripts/python-base.sh`
/// (debootstrap minbase + umoci), for builder tests that run Python inside the built image.
///
/// The script caches the image on disk (`/var/cache/imagespec-test/python-base/…`, or `$IMAGESPEC_PYBASE_CACHE`):
/// the first run on a machine takes about a minute, later runs well under a second. Within one test process the
/// script runs once; ``push(to:repository:tag:)`` copies the cached layout into a registry fixture with skopeo.
///
/// ``pushMultiArch(to:repository:tag:)`` pushes an image index of `linux/amd64` and `linux/arm64`. The host's
/// architecture is the same complete image; the other one (arm64 on an amd64 host: no emulation here) is real Debian
/// packages unpacked without running anything (`debootstrap --foreign` + `dpkg-deb -x`), so its files can be
/// inspected but it must never be executed. First run about 30 s more, then cached.
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

    private static let prepared = Task<Layout, any Error> { try await run([]) }
    private static let preparedMultiArch = Task<Layout, any Error> { try await run(["--arch", "amd64,arm64"]) }

    private static func run(_ arguments: [String]) async throws -> Layout {
        let result = try await ExternalTool.runAsync(
            TestEnvironment.script("python-base.sh"), arguments, timeout: .seconds(900))
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

    /// The cached `linux/amd64` + `linux/arm64` layout (its `latest` is an image index; ``Layout/digest`` is the
    /// index digest), built on first use.
    public static func multiArchLayout() async throws -> Layout {
        try await preparedMultiArch.value
    }

    /// Pushes the `linux/amd64` + `linux/arm64` index (`skopeo copy --all`) as `<repository>:<tag>` and returns that
    /// reference.
    @discardableResult
    public static func pushMultiArch(
        to registry: RegistryFixture, repository: String = "library/python", tag: String = "3.11-multiarch"
    ) async throws -> String {
        try await copy(try await multiArchLayout(), all: true, to: registry, repository: repository, tag: tag)
    }

    /// Pushes the base image to `registry` as `<repository>:<tag>` and returns that reference
    /// (`127.0.0.1:PORT/library/python:3.11-bookworm` by default).
    @discardableResult
    public static func push(
        to registry: RegistryFixture, repository: String = "library/python", tag: String = "3.11-bookworm"
    ) async throws -> String {
        try await copy(try await layout(), all: false, to: registry, repository: repository, tag: tag)
    }

    private static func copy(
        _ layout: Layout, all: Bool, to registry: RegistryFixture, repository: String, tag: String
    ) async throws -> String {
        let reference = registry.reference(repository, tag: tag)
        var arguments = ["copy", "--retry-times", "2", "--dest-tls-verify=false"] + (all ? ["--all"] : [])
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
