import Foundation
import TestSupport
import Testing

/// The same through union's CLI (union 0.1.204 from PyPI, installed next to flytekit 1.16.31). Without a backend,
/// `union package` works completely and `union register --copy none` gets as far as building (or finding) every
/// image before it fails to reach the backend; `union register` in its default fast mode, `union run --remote` and
/// `union deploy` need a backend before any image is looked at.
@Suite(.serialized) struct UnionCLITests {
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("union package builds every image through imagespec; again, forced, and union register --copy none")
    func unionPackageAndRegister() async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }
        #expect(
            try await project.python("import union, importlib.metadata as m; print(m.version('union'))") == "0.1.204\n")

        let archive = project.scratch + "/union.tgz"
        let first = try await project.package("union", output: archive)
        #expect(Self.count("not found; building it.", in: first.stderr) == 3)
        let names = try FlytekitScripts.object(try await project.python(FlytekitScripts.names, ["none"]))
        let tasks = try await PackagedTask.read(archive, project: project)
        let pinned = try await PyflytePackageTests.checkPinned(tasks, names: names, project: project)

        let again = try await project.package("union", output: project.scratch + "/again.tgz")
        #expect(!again.stderr.contains("building"))
        #expect(Self.count("exists; nothing to build.", in: again.stderr) == 3)

        // FLYTE_FORCE_PUSH_IMAGE_SPEC rebuilds (flytekit's rule) — and the rebuilt images are byte-identical.
        let forced = try await project.package(
            "union", output: project.scratch + "/forced.tgz", environment: ["FLYTE_FORCE_PUSH_IMAGE_SPEC": "1"])
        #expect(Self.count("exists; rebuilding it (force push).", in: forced.stderr) == 3)
        let forcedTasks = try await PackagedTask.read(project.scratch + "/forced.tgz", project: project)
        #expect(forcedTasks.mapValues(\.image) == pinned)

        // union register --copy none: every image is checked before the first call to the (absent) backend.
        let config = project.scratch + "/config.yaml"
        try "admin:\n  endpoint: dns:///127.0.0.1:1\n  insecure: true\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let register = try await project.cli(
            "union",
            [
                "--config", config, "register", "--copy", "none", "--version", "v1", "--image",
                "default-image.yaml", "wf",
            ])
        print("---- union register --copy none ----\n\(register.stdout)\(register.stderr)")
        #expect(register.status != 0)
        #expect(Self.count("exists; nothing to build.", in: register.stderr) == 3)
        #expect((register.stdout + register.stderr).contains("127.0.0.1:1"))
    }
}
