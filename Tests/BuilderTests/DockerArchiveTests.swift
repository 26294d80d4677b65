import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// `--output docker-archive:FILE` loaded by a real `podman load` into a private store, then run by podman.
///
/// Podman on this machine needs `--cgroup-manager=cgroupfs --runtime=runc` (crun cannot handle the hybrid cgroup
/// layout) and explicit ulimits for `run` (root lacks CAP_SYS_RESOURCE); the vfs driver avoids overlay mounts in the
/// temporary store.
@Suite(.serialized) struct DockerArchiveTests {
    /// A podman with its own store under `directory`.
    struct Podman {
        let directory: String

        func run(_ arguments: [String]) async throws -> ToolResult {
            try await ExternalTool.runAsync(
                "podman",
                [
                    "--root", directory + "/root", "--runroot", directory + "/run", "--storage-driver", "vfs",
                    "--cgroup-manager=cgroupfs", "--runtime=runc", "--events-backend=file",
                ] + arguments, timeout: .seconds(180))
        }

        /// Removes containers, unmounts anything podman left below the store, and deletes it.
        func destroy() async {
            _ = try? await run(["rm", "-af"])
            if let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) {
                let points = mounts.split(separator: "\n").compactMap { line -> String? in
                    let fields = line.split(separator: " ")
                    return fields.count > 1 && fields[1].hasPrefix(directory + "/") ? String(fields[1]) : nil
                }
                for point in points.sorted().reversed() {
                    _ = try? ExternalTool.run("umount", ["-l", point])
                }
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func dockerArchiveLoadsAndRunsWithPodman() async throws {
        _ = try ExternalTool.require("podman")
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let loaded = try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        let archive = setup.directory + "/image.tar"
        let images = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).build(plan)
        let image = try #require(images.first)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            plan, destination: try BuildDestination(parsing: "docker-archive:" + archive, plan: plan))
        #expect(report.digest == image.digest.description)

        let podman = Podman(directory: try makeTemporaryDirectory(prefix: "imagespec-podman"))
        let loadResult: ToolResult
        do {
            loadResult = try await podman.run(["load", "-i", archive]).check()
        } catch {
            await podman.destroy()
            throw error
        }
        let inspected: ToolResult
        let ran: ToolResult
        do {
            inspected = try await podman.run(
                [
                    "image", "inspect", plan.imageName, "--format",
                    "{{.Id}}|{{json .RootFS.Layers}}|{{json .Config.Env}}",
                ]
            ).check()
            ran = try await podman.run(
                [
                    "run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                    plan.imageName, "sh", "-c", "hello-cli && pwd",
                ]
            ).check()
        } catch {
            await podman.destroy()
            throw error
        }
        await podman.destroy()
        #expect(loadResult.stdout.contains("Loaded image: \(plan.imageName)"))
        let parts = inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(
            String.init)
        try #require(parts.count == 3)
        #expect(parts[0] == image.image.config.digest.encoded)
        let layers = try JSONDecoder().decode([String].self, from: Data(parts[1].utf8))
        #expect(layers == image.image.config.value.rootfs.diffIDs.map(\.description))
        let environment = try JSONDecoder().decode([String].self, from: Data(parts[2].utf8))
        #expect(environment.contains("_F_IMG_ID=\(loaded.spec.id)"))
        #expect(ran.stdout == "hello-cli says 42\n/root\n")
    }
}
