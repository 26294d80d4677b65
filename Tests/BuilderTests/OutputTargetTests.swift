import Builder
import Destinations
import Foundation
import OCI
import TestSupport
import Testing

/// Where `--output` writes, with the imagespec binary: concurrent builds into one OCI layout keep every tag, and a
/// docker archive goes to a FIFO, a character device or standard output as a stream (never replacing the device)
/// while other kinds of files are refused with one line.
@Suite(.serialized) struct OutputTargetTests {
    struct Setup {
        let build: BuildPushTests.Setup
        let binary: String

        static func make() async throws -> Setup {
            Setup(build: try await BuildPushTests.Setup.make(), binary: try TestEnvironment.requireImagespecBinary())
        }

        var environment: [String: String] {
            var environment = BuilderTestSupport.uvEnvironment(cache: build.directory + "/uv-cache")
            environment["SOURCE_DATE_EPOCH"] = "0"
            return environment
        }

        /// Writes the spec (its `env` carries `variant`, so each variant is another image with another tag).
        func writeSpec(variant: Int = 0) throws -> String {
            let path = build.directory + "/spec-\(variant).yaml"
            try build.spec(extra: "").replacingOccurrences(
                of: "GREETING: \"hi there\"", with: "VARIANT: \"\(variant)\""
            )
            .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func arguments(_ spec: String, output: String) -> [String] {
            [
                "build", spec, "--quiet", "--cache-dir", build.directory + "/layer-cache", "--flytekit-version",
                "0.0.1", "--output", output,
            ]
        }
    }

    @Test func concurrentBuildsIntoOneLayoutKeepEveryTag() async throws {
        let setup = try await Setup.make()
        defer { setup.build.stop() }
        let writers = 6
        let specs = try (0..<writers).map { try setup.writeSpec(variant: $0) }
        // Warm the cache, so the writers finish together and race on index.json.
        for spec in specs {
            _ = try await ExternalTool.runAsync(
                setup.binary, setup.arguments(spec, output: "oci:\(setup.build.directory)/warm"),
                environment: setup.environment
            ).check()
        }
        for round in 0..<3 {
            let layout = setup.build.directory + "/layout-\(round)"
            let outputs = try await withThrowingTaskGroup(of: String.self) { group in
                for spec in specs {
                    group.addTask {
                        try await ExternalTool.runAsync(
                            setup.binary, setup.arguments(spec, output: "oci:\(layout)"), environment: setup.environment
                        ).check().stdout
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Each prints `oci:DIR:TAG DIGEST` (`oci:DIR DIGEST` for a tag the OCI ref grammar rejects).
            let written = outputs.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ") }
            #expect(written.count == writers)
            let data = try #require(FileManager.default.contents(atPath: layout + "/index.json"))
            let index = try JSONDecoder().decode(ImageIndex.self, from: data)
            let entries = Set(index.manifests.map(\.digest.description))
            for line in written {
                let reference = String(try #require(line.first))
                let digest = String(try #require(line.last))
                #expect(entries.contains(digest), "round \(round): \(reference) \(digest) is missing from index.json")
                guard reference != "oci:\(layout)" else { continue }  // no ref name to address it by
                let inspected = try ExternalTool.run("skopeo", ["inspect", "--format", "{{.Digest}}", reference])
                    .check().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(inspected == digest, "round \(round): \(reference)")
            }
            #expect(index.manifests.count == writers, "round \(round): \(index.manifests.count) entries")
        }
    }

    @Test func dockerArchiveStreamsToStandardOutputForPodmanLoad() async throws {
        let setup = try await Setup.make()
        defer { setup.build.stop() }
        let spec = try setup.writeSpec()
        let archive = setup.build.directory + "/from-stdout.tar"
        for output in ["docker-archive:/dev/stdout", "docker-archive:-"] {
            let command =
                (setup.arguments(spec, output: output).map { "'\($0)'" }.joined(separator: " "))
            let result = try await ExternalTool.runAsync(
                "sh", ["-c", "'\(setup.binary)' \(command) > '\(archive)'"], environment: setup.environment
            ).check()
            // Nothing but the archive on standard output: tar reads it to the end, and the summary is on stderr.
            let listing = try ExternalTool.run("tar", ["-tf", archive]).check().stdout
            #expect(listing.split(separator: "\n").contains("manifest.json"), "\(output): \(listing)")
            #expect(result.stderr.contains(output), "\(output): \(result.stderr)")
            var link = stat()
            #expect(lstat("/dev/stdout", &link) == 0 && link.st_mode & S_IFMT == S_IFLNK, "/dev/stdout was replaced")
        }
        // `copy` streams the same way.
        let copied = try await ExternalTool.runAsync(
            "sh",
            [
                "-c",
                "'\(setup.binary)' copy '\(setup.build.base)' docker-archive:- --platform linux/amd64 > '\(archive)'",
            ],
            environment: setup.environment
        ).check()
        let copiedListing = try ExternalTool.run("tar", ["-tf", archive]).check().stdout
        #expect(copiedListing.split(separator: "\n").contains("manifest.json"), "copy: \(copiedListing)")
        #expect(!copied.stderr.isEmpty, "copy: the summary belongs on stderr")
        if let podman = try? ExternalTool.require("podman") {
            let command = setup.arguments(spec, output: "docker-archive:/dev/stdout").map { "'\($0)'" }
                .joined(separator: " ")
            let loaded = try await ExternalTool.runAsync(
                "bash", ["-c", "set -o pipefail; '\(setup.binary)' \(command) | '\(podman)' load"],
                environment: setup.environment
            ).check()
            #expect(loaded.stdout.contains("Loaded image"), "\(loaded.stdout) \(loaded.stderr)")
            let name = try #require(
                loaded.stdout.split(separator: "\n").first { $0.hasPrefix("Loaded image") }?.split(separator: " ")
                    .last)
            _ = try? ExternalTool.run(podman, ["rmi", String(name)])
        }
    }

    @Test func dockerArchiveStreamsToAFIFOAndACharacterDevice() async throws {
        let setup = try await Setup.make()
        defer { setup.build.stop() }
        let spec = try setup.writeSpec()
        let fifo = setup.build.directory + "/archive.fifo"
        try ExternalTool.run("mkfifo", [fifo]).check()
        async let listing = ExternalTool.runAsync("tar", ["-tf", fifo])
        _ = try await ExternalTool.runAsync(
            setup.binary, setup.arguments(spec, output: "docker-archive:\(fifo)"), environment: setup.environment
        ).check()
        let listed = try await listing.check().stdout
        #expect(listed.split(separator: "\n").contains("manifest.json"), "\(listed)")
        #expect(Self.fileType(fifo) == S_IFIFO, "the FIFO was replaced")
        #expect(!FileManager.default.fileExists(atPath: fifo + ".imagespec-tmp"))

        // Private nodes of the same devices, so that a regression replaces a file of the test, not the machine's
        // /dev/null or /dev/full.
        let null = setup.build.directory + "/null"
        let full = setup.build.directory + "/full"
        try ExternalTool.run("mknod", ["-m", "666", null, "c", "1", "3"]).check()
        try ExternalTool.run("mknod", ["-m", "666", full, "c", "1", "7"]).check()
        _ = try await ExternalTool.runAsync(
            setup.binary, setup.arguments(spec, output: "docker-archive:\(null)"), environment: setup.environment
        ).check()
        #expect(Self.fileType(null) == S_IFCHR, "the /dev/null node was replaced")

        // /dev/full: the write fails with ENOSPC, in one line, and the device stays.
        let failed = try await ExternalTool.runAsync(
            setup.binary, setup.arguments(spec, output: "docker-archive:\(full)"), environment: setup.environment)
        #expect(failed.status == 2)
        #expect(failed.stderr.split(separator: "\n").count == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("No space left on device"), "\(failed.stderr)")
        #expect(Self.fileType(full) == S_IFCHR, "the /dev/full node was replaced")
    }

    @Test func dockerArchiveRefusesADirectoryASocketAndABlockDevice() async throws {
        let setup = try await Setup.make()
        defer { setup.build.stop() }
        let spec = try setup.writeSpec()
        let directory = setup.build.directory + "/a-directory"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let socket = setup.build.directory + "/a.sock"
        try ExternalTool.run(
            "python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", socket]
        ).check()
        var targets = [(directory, "a directory"), (socket, "a socket")]
        // A private block device node (loop250: no such device here), never a disk of the machine.
        let block = setup.build.directory + "/a-block-device"
        try ExternalTool.run("mknod", ["-m", "600", block, "b", "7", "250"]).check()
        targets.append((block, "a block device"))
        for (path, kind) in targets {
            let result = try await ExternalTool.runAsync(
                setup.binary, setup.arguments(spec, output: "docker-archive:\(path)"), environment: setup.environment)
            #expect(result.status == 2, "\(path)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("\(path) is \(kind)"), "\(result.stderr)")
            #expect(Self.fileType(path) == Self.kindCode(kind), "\(path) was replaced")
        }
        #expect(!FileManager.default.fileExists(atPath: setup.build.directory + "/layer-cache/tmp"))
    }

    static func fileType(_ path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    static func kindCode(_ kind: String) -> mode_t {
        switch kind {
        case "a directory": S_IFDIR
        case "a socket": S_IFSOCK
        default: S_IFBLK
        }
    }
}
