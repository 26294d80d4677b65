import Foundation
import Runner
import TestSupport
import Testing

/// An arm64 busybox (from Debian's busybox-static:arm64 package, downloaded once with `apt-get download` into a
/// temporary directory, never installed) for the emulated-run test, or `nil` when it cannot be had.
enum Arm64Busybox {
    static let path: String? = {
        let directory = NSTemporaryDirectory() + "/imagespec-test-arm64-busybox"
        let binary = directory + "/x/bin/busybox"
        if FileManager.default.fileExists(atPath: binary) { return binary }
        guard ExternalTool.which("apt-get") != nil, ExternalTool.which("dpkg-deb") != nil else { return nil }
        let script = """
            set -e
            rm -rf "$1" && mkdir -p "$1" && cd "$1"
            apt-get download busybox-static:arm64 > /dev/null 2>&1
            dpkg-deb -x busybox-static_*_arm64.deb x
            """
        guard (try? ExternalTool.run("/bin/sh", ["-c", script, "sh", directory]).succeeded) == true else {
            return nil
        }
        return FileManager.default.fileExists(atPath: binary) ? binary : nil
    }()

    static var available: Bool {
        getuid() == 0 && (try? RunEmulator.forArchitecture("arm64")) != nil && path != nil
    }
}

@Suite(
    .enabled(
        if: Arm64Busybox.available,
        "needs root, qemu-user-static and busybox-static:arm64 from apt (dpkg --add-architecture arm64)"))
struct ForeignArchitectureTests {
    @Test func anArm64RootRunsUnderQemuInAPrivateBinfmt() async throws {
        let fixture = try RunnerFixture()
        let root = try fixture.baseTree(shell: false)
        try RunnerFixture.sh(
            "cp \"$2\" \"$1/bin/busybox\" && for a in sh uname echo mkdir chown; do ln -s busybox \"$1/bin/$a\"; done",
            root, Arm64Busybox.path!)
        let lowers = try await fixture.store.materialise([try fixture.layer(root)])
        let output = OutputLines()
        let scratch = fixture.scratch()
        let result = try await RunEngine().run(
            RunRequest(
                lowerDirectories: lowers,
                command: "uname -m; mkdir /made && chown 1000:1000 /made && rm -rf /usr/share/doc /etc/app.d",
                environment: ["PATH=/bin"], emulator: try RunEmulator.forArchitecture("arm64"),
                scratchDirectory: scratch),
            onOutput: output.append)
        #expect(output.lines == ["aarch64"])
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)
        let byPath = Dictionary(uniqueKeysWithValues: result.layer.entries.map { ($0.path, $0) })
        #expect(byPath["made"]?.attributes?.uid == 1000, "owners survive the user namespace")
        #expect(byPath["usr/share/.wh.doc"] != nil)
        #expect(byPath["etc/.wh.app.d"] != nil)
        // The host's global binfmt_misc is untouched.
        #expect(!FileManager.default.fileExists(atPath: "/proc/sys/fs/binfmt_misc/qemu-aarch64"))
    }
}
