import Foundation
import TestSupport
import Testing

/// `pyflyte --pkgs wf package` on the sample project with the plugin installed: every ImageSpec is built by imagespec,
/// pushed to a loopback registry and pinned by digest in the packaged task templates; the images run the task code;
/// a second run builds nothing.
@Suite(.serialized) struct PyflytePackageTests {
    /// Checks every task of an archive against flytekit's own names and the registry.
    static func checkPinned(
        _ tasks: [String: PackagedTask], names: [String: Any], project: FlyteProject
    ) async throws -> [String: String] {
        #expect(Set(tasks.keys) == ["say_hello", "read_config", "combine"])
        var pinned: [String: String] = [:]
        for (task, packaged) in tasks {
            let expected = try #require((names[task] as? [String: Any])?["image_name"] as? String)
            let digest = try #require(try await project.existingDigest(expected), "\(expected) is not in the registry")
            #expect(packaged.image == "\(expected)@\(digest)", "task \(task)")
            pinned[task] = packaged.image
        }
        return pinned
    }

    @Test("package --copy none and --copy all: images built, pinned, holding the right /root, running the tasks")
    func packageBuildsPinsAndRuns() async throws {
        let project = try await FlyteProject.make()
        defer { project.stop() }

        // --copy none (the default): flytekit folds the imported modules into the tags and the images.
        let noneArchive = project.scratch + "/none.tgz"
        let none = try await project.package(output: noneArchive)
        #expect(none.stderr.components(separatedBy: "not found; building it.").count - 1 == 3)
        #expect(!none.stdout.contains("Traceback") && !none.stderr.contains("Traceback"))
        let noneNames = try FlytekitScripts.object(try await project.python(FlytekitScripts.names, ["none"]))
        let noneTasks = try await PackagedTask.read(noneArchive, project: project)
        let nonePinned = try await Self.checkPinned(noneTasks, names: noneNames, project: project)
        let documents = try project.documents()

        // --copy all: fast packaging, plain-spec tags; the YAML default image is the same and already exists.
        let allArchive = project.scratch + "/all.tgz"
        let all = try await project.package(output: allArchive, ["--copy", "all"])
        #expect(all.stderr.components(separatedBy: "not found; building it.").count - 1 == 2)
        #expect(all.stderr.components(separatedBy: "exists; nothing to build.").count - 1 == 1)
        let allNames = try FlytekitScripts.object(try await project.python(FlytekitScripts.names, ["all"]))
        let allTasks = try await PackagedTask.read(allArchive, project: project)
        let allPinned = try await Self.checkPinned(allTasks, names: allNames, project: project)
        #expect(allPinned["combine"] == nonePinned["combine"])
        #expect(allPinned["say_hello"] != nonePinned["say_hello"])

        // A second run builds nothing: one existence check per image, the same pinned images.
        let again = try await project.package(output: project.scratch + "/again.tgz")
        #expect(!again.stderr.contains("building"))
        #expect(again.stderr.components(separatedBy: "exists; nothing to build.").count - 1 == 3)
        #expect(try await PackagedTask.read(project.scratch + "/again.tgz", project: project) == noneTasks)

        // What each image holds under /root: --copy none bakes the imported modules (not NOTES.md, README.md, …),
        // copy entries go to /root/<path>, fast packaging leaves the code out.
        let modules = ["wf/__init__.py", "wf/greeting.py", "wf/settings.py", "wf/tasks.py"]
        let expectedFiles: [(String, String, [String])] = [
            ("none", "combine", []), ("none", "say_hello", modules),
            ("none", "read_config", ["data/config.txt"] + modules),
            ("all", "say_hello", []), ("all", "read_config", ["data/config.txt"]),
        ]
        var images: [String: UnpackedTaskImage] = [:]
        for (mode, task, files) in expectedFiles {
            let pinned = try #require(mode == "none" ? nonePinned[task] : allPinned[task])
            let image = try await UnpackedTaskImage.unpack(pinned, into: project.scratch + "/img-\(mode)-\(task)")
            #expect(try image.rootFiles() == files, "\(mode) \(task): \(pinned)")
            images["\(mode)-\(task)"] = image
        }
        #expect(images["none-read_config"]?.environment["WF_IMAGE"] == "copy")
        #expect(images["none-combine"]?.environment["WF_IMAGE"] == "default")

        // _F_IMG_ID is the id flytekit held when it asked for the build (what its default builder bakes too).
        for (mode, names) in [("none", noneNames), ("all", allNames)] {
            for task in ["say_hello", "read_config"] {
                let id = try #require((names[task] as? [String: Any])?["id"] as? String)
                #expect(images["\(mode)-\(task)"]?.environment["_F_IMG_ID"] == id, "\(mode) \(task)")
            }
        }
        let requirementsName = try #require((noneNames["say_hello"] as? [String: Any])?["image_name"] as? String)
        let document = try #require(documents[requirementsName])
        let documentID = (document["flytekit"] as? [String: Any])?["id"] as? String
        #expect(documentID == images["none-say_hello"]?.environment["_F_IMG_ID"])
        #expect(document["source_root_files"] as? [String] == modules.map { project.directory + "/" + $0 })
        #expect(document["flytekit_version"] as? String == "1.16.31")

        // The task code runs in its image, started exactly as the packaged template says.
        let hello = try await #require(images["none-say_hello"]).runTask(
            try #require(noneTasks["say_hello"]), inputs: ["name": "imagespec"], project: project)
        #expect(hello == ["o0": "hello imagespec, 1,234,567 times"])

        let fast = project.scratch + "/fast"
        try FileManager.default.createDirectory(atPath: fast, withIntermediateDirectories: true)
        try await ExternalTool.runAsync("tar", ["-xzf", allArchive, "-C", fast, "--wildcards", "fast*.tar.gz"]).check()
        let fastPackage = fast + "/" + (try #require(try FileManager.default.contentsOfDirectory(atPath: fast).first))
        let copyImage = try #require(images["all-read_config"])
        let config = try await copyImage.runTask(
            try #require(allTasks["read_config"]), inputs: [:], fastPackage: fastPackage, project: project)
        #expect(config == ["o0": "config from the copy entry"])
        // apt_packages and commands ran in that image: git from Debian, the commands' files and modes.
        // (Checked in the --copy none image: the fast package the task above unpacked into /root rewrote the file.)
        let built = try await #require(images["none-read_config"]).run([
            "/bin/sh", "-c", "cat /opt/wf/git-version && stat -c %a /root/data/config.txt",
        ])
        try built.check()
        #expect(built.stdout.hasPrefix("git version 2.39"), "\(built.stdout)")
        #expect(built.stdout.hasSuffix("600\n"), "\(built.stdout)")

        // In the pod, the task's own spec recognises the image (is_container() compares _F_IMG_ID with spec.id).
        let check = try await copyImage.run(
            [
                "python3", "-c",
                """
                import os
                from flytekit.core.context_manager import ExecutionState, FlyteContextManager
                from wf import tasks
                import flytekit
                ctx = FlyteContextManager.current_context()
                state = ctx.execution_state.with_params(mode=ExecutionState.Mode.TASK_EXECUTION)
                with FlyteContextManager.with_context(ctx.with_execution_state(state)):
                    print(tasks.copy_image.is_container(), tasks.requirements_image.is_container())
                print(flytekit.__version__, os.environ["_F_IMG_ID"] == tasks.copy_image.id)
                """,
            ])
        try check.check()
        #expect(check.stdout == "True False\n1.16.31 True\n")
    }
}
