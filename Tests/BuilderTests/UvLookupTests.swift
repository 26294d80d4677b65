import Builder
import Foundation
import TestSupport
import Testing

/// Where the builder finds `uv` when none is configured: the directories it is given first (the CLI passes its own
/// executable's directory, where a wheel install puts `uv`), then `PATH`.
@Suite struct UvLookupTests {
    /// A directory holding an executable `uv` (a shell script that is never run).
    static func directoryWithUv() throws -> String {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-uv")
        let uv = directory + "/uv"
        try "#!/bin/sh\nexit 0\n".write(toFile: uv, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: uv)
        return directory
    }

    @Test func besideTheExecutableComesBeforePath() throws {
        let beside = try Self.directoryWithUv()
        let onPath = try Self.directoryWithUv()
        defer {
            try? FileManager.default.removeItem(atPath: beside)
            try? FileManager.default.removeItem(atPath: onPath)
        }
        let installer = try PythonInstaller(searchFirst: [beside], environment: ["PATH": onPath])
        #expect(installer.uv == beside + "/uv")
    }

    @Test func pathIsUsedWhenNothingIsBeside() throws {
        let empty = try makeTemporaryDirectory(prefix: "imagespec-uv")
        let onPath = try Self.directoryWithUv()
        defer {
            try? FileManager.default.removeItem(atPath: empty)
            try? FileManager.default.removeItem(atPath: onPath)
        }
        let installer = try PythonInstaller(searchFirst: [empty], environment: ["PATH": "/nonexistent:" + onPath])
        #expect(installer.uv == onPath + "/uv")
    }

    @Test func anExplicitExecutableWins() throws {
        let beside = try Self.directoryWithUv()
        let explicit = try Self.directoryWithUv()
        defer {
            try? FileManager.default.removeItem(atPath: beside)
            try? FileManager.default.removeItem(atPath: explicit)
        }
        let installer = try PythonInstaller(
            executable: explicit + "/uv", searchFirst: [beside], environment: ["PATH": beside])
        #expect(installer.uv == explicit + "/uv")
    }

    /// The running test binary's directory, with symlinks resolved, is what `/proc/self/exe` names.
    @Test func runningExecutableDirectoryIsThisProcesssDirectory() throws {
        let directory = try #require(PythonInstaller.runningExecutableDirectory())
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #expect(directory == (executable as NSString).deletingLastPathComponent)
        let argumentZero = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        #expect(directory == argumentZero.deletingLastPathComponent().path)
    }

    /// The builder itself consults ``BuildOptions/uvSearchDirectories``: with no uv on `PATH`, a build fails for
    /// the missing uv without a search directory, and gets past the uv lookup (failing later, at the unreachable
    /// base image) with one.
    @Test(arguments: [false, true])
    func buildOptionsSearchDirectoriesReachTheBuilder(withSearchDirectory: Bool) async throws {
        let beside = try Self.directoryWithUv()
        let directory = try makeTemporaryDirectory(prefix: "imagespec-uv")
        defer {
            try? FileManager.default.removeItem(atPath: beside)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let loaded = try BuilderTestSupport.loadSpec(
            "name: hello\nbase_image: 127.0.0.1:1/acme/base:1\npackages: [hello_pkg]\n", in: directory)
        var options = try BuildOptions(
            flytekit: .none, sourceDateEpoch: 0, cacheRoot: directory + "/layer-cache",
            environment: ["PATH": "/nonexistent", "HOME": directory])
        options.uvSearchDirectories = withSearchDirectory ? [beside] : []
        let plan = try BuildPlan(loaded, options: options)
        let error = await #expect(throws: BuildError.self) {
            _ = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).build(plan)
        }
        if withSearchDirectory {
            #expect(error?.kind != .missingTool)
            #expect(error?.message.contains("127.0.0.1:1") == true)
        } else {
            #expect(error?.kind == .missingTool)
        }
    }
}
