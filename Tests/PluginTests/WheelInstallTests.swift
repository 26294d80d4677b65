import Foundation
import TestSupport
import Testing

/// The platform wheel (`scripts/build-wheel.sh`) is the whole installation: `auditwheel show` accepts its manylinux
/// tag, and a fresh venv with only that wheel and flytekit — no Swift toolchain, no `imagespec` on `PATH`, no
/// `IMAGESPEC_BIN`, no checkout of this repository on `sys.path` — runs `pyflyte --pkgs wf package` of the sample
/// project, building and pushing every image through the bundled binary.
@Suite(.serialized) struct WheelInstallTests {
    @Test func auditwheelAcceptsTheTagAndTheWheelBundlesTheBinary() async throws {
        let wheel = try await ReleaseArtifacts.platformWheel()
        let name = (wheel as NSString).lastPathComponent
        let tag = try #require(
            name.split(separator: "-").last?.replacingOccurrences(of: ".whl", with: ""), "no tag in \(name)")
        #expect(tag.hasPrefix("manylinux_2_") && tag.hasSuffix("_x86_64"), "\(name)")
        let report = try await ExternalTool.runAsync(ReleaseArtifacts.auditwheel, ["show", wheel]).check()
        print("---- auditwheel show \(name) ----\n\(report.stdout)\(report.stderr)")
        // auditwheel wraps its lines: compare with the whitespace squeezed.
        let text = (report.stdout + report.stderr).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("is consistent with the following platform tag: \"\(tag)\""), "\(text)")
        let listing = try ExternalTool.run("unzip", ["-Z1", wheel]).check().stdout.split(separator: "\n")
        #expect(listing.contains("flytekitplugins_imagespec-0.1.0.data/scripts/imagespec"))
        #expect(listing.contains("flytekitplugins/imagespec/binary.py"))
    }

    @Test func freshVenvPackagesThroughTheBundledBinary() async throws {
        let wheel = try await ReleaseArtifacts.platformWheel()
        let root = try makeTemporaryDirectory(prefix: "imagespec-wheel")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let venv = root + "/venv"
        // The only directories on PATH: no Swift toolchain and no imagespec there (checked), no venv.
        let path = "/usr/bin:/bin"
        for directory in ["/usr/bin", "/bin"] {
            for tool in ["imagespec", "swift", "swiftc"] {
                #expect(!FileManager.default.fileExists(atPath: directory + "/" + tool), "\(directory)/\(tool)")
            }
        }
        let clean = ["PATH": path, "PIP_DISABLE_PIP_VERSION_CHECK": "1"]
        let unset = ["IMAGESPEC_BIN", "PYTHONPATH", "VIRTUAL_ENV", "IMAGESPEC_PYTHON"]
        // Debian's python3 (scripts/setup.sh installs python3-venv), as on a user's machine; else the one on PATH.
        let python3 = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"
        try await ExternalTool.runAsync(python3, ["-m", "venv", venv], environment: clean, unsetting: unset).check()
        try await ExternalTool.runAsync(
            venv + "/bin/pip",
            [
                "install", "--quiet", wheel, "flytekit==1.16.31", "-c",
                TestEnvironment.script("constraints-dev.txt"),
            ],
            environment: clean, unsetting: unset, currentDirectory: root, timeout: .seconds(1200)
        ).check()
        #expect(FileManager.default.isExecutableFile(atPath: venv + "/bin/imagespec"))
        #expect(FileManager.default.isExecutableFile(atPath: venv + "/bin/uv"), "uv comes with the wheel")
        let version = try await ExternalTool.runAsync(venv + "/bin/imagespec", ["--version"]).check()
        #expect(version.stdout.hasPrefix("0.1.0 (commit "))

        let project = try await FlyteProject.make(python: venv + "/bin/python")
        defer { project.stop() }
        // The plugin comes from the venv, not from this checkout.
        let plugin = try await project.python(
            "import flytekitplugins.imagespec as p, sys; print(p.__file__); print(p.find_binary())",
            environment: ["PATH": path, "IMAGESPEC_BIN": "", "PYTHONPATH": ""])
        let lines = plugin.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(venv + "/lib/") == true, "\(plugin)")
        #expect(!plugin.contains(TestEnvironment.repoRoot))
        #expect(lines.last == venv + "/bin/imagespec")

        let archive = project.scratch + "/wheel.tgz"
        let result = try await project.package(
            output: archive, environment: ["PATH": path, "IMAGESPEC_BIN": "", "PYTHONPATH": ""])
        #expect(result.stderr.components(separatedBy: "not found; building it.").count - 1 == 3)
        #expect(
            result.stderr.components(separatedBy: " with \(venv)/bin/imagespec (bundled)").count - 1 == 3,
            "every build runs the bundled binary")
        let tasks = try await PackagedTask.read(archive, project: project)
        #expect(Set(tasks.keys) == ["say_hello", "read_config", "combine"])
        for (task, packaged) in tasks {
            let parts = packaged.image.split(separator: "@").map(String.init)
            try #require(parts.count == 2, "task \(task) image \(packaged.image) is not pinned")
            #expect(parts[0].hasPrefix(project.imageRegistry + "/"))
            #expect(try await project.existingDigest(parts[0]) == parts[1], "task \(task): \(packaged.image)")
        }
    }
}
