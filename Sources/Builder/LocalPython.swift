import Foundation
import Subprocess

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
        guard
            let result = try? await Subprocess.run(
                .name("python3"), arguments: ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                output: .string(limit: 1024), error: .discarded),
            case .exited(0) = result.terminationStatus
        else { return nil }
        return PythonTarget.majorMinor(
            result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
