import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Lists the paths of a (possibly compressed) layer tar with the system's `tar -t`.
enum TarListing {
    static func paths(of file: String) async throws(BuildError) -> [String] {
        do {
            let result = try await Subprocess.run(
                .name("tar"), arguments: ["-tf", file], output: .string(limit: 256 << 20),
                error: .string(limit: 1 << 16))
            guard case .exited(0) = result.terminationStatus else {
                throw BuildError(
                    .io, "tar -tf \(file) failed: \(BuildPlan.oneLine(result.standardError))")
            }
            return result.standardOutput.split(whereSeparator: \.isNewline).map(String.init)
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(.io, "cannot list \(file) with tar: \(error)")
        }
    }
}
