import Foundation
import Subprocess
import Support

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// The local `python3`'s `major.minor`, which flytekit uses when a spec has neither `python_version` nor
/// `base_image`.
public enum LocalPython {
    /// Asks `python3` on `PATH`; nil when there is none or it fails.
    public static func version() async -> String? {
        let (python, arguments) = ChildLifetime.subprocess(
            "python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        guard
            let result = try? await Subprocess.run(
                python, arguments: arguments, platformOptions: ChildLifetime.platformOptions,
                output: .string(limit: 1024), error: .discarded),
            case .exited(0) = result.terminationStatus
        else { return nil }
        return PythonTarget.majorMinor(
            result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
