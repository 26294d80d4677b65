import Foundation

/// The release artifacts: the static `imagespec` binary (`scripts/build-release.sh`) and the platform wheel that
/// bundles it (`scripts/build-wheel.sh`). Each is built at most once per test process, and not at all when CI (or a
/// developer) has built it already and says where: `$IMAGESPEC_STATIC_BIN`, `$IMAGESPEC_WHEEL`.
public enum ReleaseArtifacts {
    private static let binary = Task<String, any Error> {
        if let path = ProcessInfo.processInfo.environment["IMAGESPEC_STATIC_BIN"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestSupportError("IMAGESPEC_STATIC_BIN=\(path) is not an executable file")
            }
            return path
        }
        return try await lastLine(of: "build-release.sh", environment: [:])
    }

    private static let wheel = Task<String, any Error> {
        if let path = ProcessInfo.processInfo.environment["IMAGESPEC_WHEEL"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw TestSupportError("IMAGESPEC_WHEEL=\(path) does not exist")
            }
            return path
        }
        return try await lastLine(of: "build-wheel.sh", environment: ["IMAGESPEC_STATIC_BIN": try await binary.value])
    }

    /// The static, stripped release binary (built by `scripts/build-release.sh` unless `$IMAGESPEC_STATIC_BIN`).
    public static func staticBinary() async throws -> String {
        try await binary.value
    }

    /// The platform wheel `dist/flytekitplugins_imagespec-…-manylinux_…_x86_64.whl` (built by
    /// `scripts/build-wheel.sh` around ``staticBinary()`` unless `$IMAGESPEC_WHEEL`).
    public static func platformWheel() async throws -> String {
        try await wheel.value
    }

    /// `auditwheel` from the tools venv `scripts/build-wheel.sh` creates (`<repo>/.venv-wheel`).
    public static var auditwheel: String { TestEnvironment.repoRoot + "/.venv-wheel/bin/auditwheel" }

    private static func lastLine(of script: String, environment: [String: String]) async throws -> String {
        let result = try await ExternalTool.runAsync(
            TestEnvironment.script(script), [], environment: environment, timeout: .seconds(3600))
        guard result.succeeded, let last = result.stdout.split(separator: "\n").last else {
            let reason = result.stderr.split(separator: "\n").last.map(String.init) ?? "no output"
            throw TestSupportError("scripts/\(script) failed (status \(result.status)): \(reason)")
        }
        return String(last)
    }
}
