import Foundation
import Subprocess
import Support

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Lists the paths of a (possibly compressed) layer tar with the system's `tar -t`.
enum TarListing {
    static func paths(of file: String) async throws(BuildError) -> [String] {
        do {
            let (tar, arguments) = ChildLifetime.subprocess("tar", ["-tf", file])
            let result = try await Subprocess.run(
                tar, arguments: arguments, platformOptions: ChildLifetime.platformOptions,
                output: .string(limit: 256 << 20), error: .string(limit: 1 << 16))
            let paths = result.standardOutput.split(whereSeparator: \.isNewline).map(String.init)
            // Some writers (umoci) end layers without the two zero blocks: GNU tar then lists every entry and exits 2
            // with "Unexpected EOF". The listing is still complete, so only an empty listing is a failure.
            guard case .exited(0) = result.terminationStatus else {
                if !paths.isEmpty { return paths }
                throw BuildError(
                    .io, "tar -tf \(file) failed: \(BuildPlan.oneLine(result.standardError))")
            }
            return paths
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(.io, "cannot list \(file) with tar: \(error)")
        }
    }
}
