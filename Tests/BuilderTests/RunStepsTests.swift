import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// `apt_packages` and `commands` end to end with real parts: the debootstrap bookworm base in a real registry, real
/// packages from Debian's archive, the run engine (overlayfs + namespaces + chroot, so root only), then skopeo +
/// umoci + chroot to check what was built.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: the run engine mounts overlayfs in a namespace"))
struct RunStepsTests {
    struct Setup {
        let registry: RegistryFixture
        let directory: String
        let base: String

        static func make() async throws -> Setup {
            let registry = try await RegistryFixture.start()
            let base = try await PythonBaseFixture.push(to: registry)
            let directory = try makeTemporaryDirectory(prefix: "imagespec-run")
            try BuilderTestSupport.standardWheels(in: directory + "/wheels")
            try "#!/bin/sh\necho serving\n".write(
                toFile: directory + "/serve.sh", atomically: true, encoding: .utf8)
            return Setup(registry: registry, directory: directory, base: base)
        }

        func spec(name: String = "runsteps", apt: [String]? = nil, commands: [String]? = nil) -> String {
            func list(_ items: [String]) -> String {
                "[" + items.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
                    + "]"
            }
            return """
                name: \(name)
                registry: \(registry.host)/acme
                base_image: \(base)
                packages: [hello_pkg]
                pip_extra_args: --no-index --find-links \(directory)/wheels
                copy: [serve.sh]
                env: {GREETING: hello}
                \(apt.map { "apt_packages: " + list($0) } ?? "")
                \(commands.map { "commands: " + list($0) } ?? "")
                """
        }

        func plan(_ yaml: String, options: BuildOptions) throws -> BuildPlan {
            try BuildPlan(try BuilderTestSupport.loadSpec(yaml, in: directory), options: options)
        }

        func stop() {
            registry.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static let commands = [
        "mkdir -p /data && echo hi > /data/x",
        "rm -rf /usr/share/doc",
        "chmod +x /root/serve.sh",
        "python3 -c 'import hello_pkg, os; print(hello_pkg.VALUE, os.environ[\"GREETING\"])' > /data/value",
        "uv --version > /data/uv-version",
    ]

    /// No mount below `directory` is left in this process's mount table and no process runs `marker`.
    static func expectNothingLeft(below directory: String, marker: String? = nil) throws {
        let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!mounts.contains(directory), "a mount below \(directory) is left")
        if let marker {
            let processes = try ExternalTool.run("ps", ["-eo", "args"]).check().stdout
            #expect(
                !processes.split(separator: "\n").contains { $0.contains(marker) && !$0.contains("ps -eo") },
                "a process running \(marker) is left")
        }
    }

    @Test func aptAndCommandsBuildPushAndRun() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let apt = ["git", "curl", "libgomp1", "vim-tiny"]
        let plan = try setup.plan(setup.spec(apt: apt, commands: Self.commands), options: options)
        let report = try await builder.run(plan, destination: .registry(try #require(plan.target)))
        let platform = try #require(report.platforms.first)
        #expect(platform.steps.map(\.kind) == ["apt", "packages", "files", "commands"])
        #expect(platform.steps.allSatisfy { !$0.cacheHit })
        let kinds = platform.layers.map(\.kind).filter { $0 != "base" }
        #expect(kinds.first == "apt")
        #expect(kinds.last == "commands")
        #expect(kinds.dropLast().last == "files")
        try Self.expectNothingLeft(below: setup.directory)

        let image = try await UnpackedImage.unpack("docker://\(plan.imageName)", into: setup.directory + "/check")
        // git needs /dev/null and /dev/urandom, which a runtime provides; the unpacked test copy gets them.
        try ExternalTool.run("mknod", ["-m", "666", image.rootfs + "/dev/null", "c", "1", "3"]).check()
        try ExternalTool.run("mknod", ["-m", "666", image.rootfs + "/dev/urandom", "c", "1", "9"]).check()
        let result = try image.run(
            """
            git --version && curl --version | head -n 1 && \
            mkdir -p /tmp/repo && cd /tmp/repo && git init -q && git -c user.email=t@example.com -c user.name=t \
            commit -q --allow-empty -m first && git log --oneline | wc -l && cd /root && \
            dpkg-query -W -f='${db:Status-Abbrev}${Package}\\n' git curl libgomp1 vim-tiny && \
            dpkg --audit && echo audit-clean && \
            python3 -c 'import ctypes.util; print(ctypes.util.find_library("gomp"))' && \
            readlink -f /usr/bin/editor && \
            cat /data/x /data/value && test ! -e /usr/share/doc && test -x /root/serve.sh && echo checks-done && \
            cat /data/uv-version && test ! -e /usr/bin/uv && echo no-uv && \
            test ! -e /var/lib/apt/lists/lock && { ls /var/cache/apt/archives 2>/dev/null | grep -c deb || true; }
            """)
        #expect(result.succeeded, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("git version 2.39") == true, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("curl 7.88") })
        #expect(lines.contains("1"))  // one commit
        for package in apt {
            #expect(lines.contains("ii \(package)"), "dpkg status of \(package): \(lines)")
        }
        #expect(lines.contains("audit-clean"))
        #expect(lines.contains { $0.hasPrefix("libgomp.so.") }, "ld.so.cache is stale: \(lines)")
        #expect(lines.contains("/usr/bin/vim.tiny"))  // update-alternatives ran
        #expect(lines.contains("hi"))
        #expect(lines.contains("42 hello"))
        #expect(lines.contains("checks-done"))
        #expect(lines.contains { $0.hasPrefix("uv ") })
        #expect(lines.contains("no-uv"))
        #expect(lines.last == "0")  // no .deb of apt's cache in the image

        // One changed command: only the commands step runs again.
        var changed = Self.commands
        changed[0] = "mkdir -p /data && echo changed > /data/x"
        let second = try await builder.run(
            try setup.plan(setup.spec(apt: apt, commands: changed), options: options),
            destination: .registry(try Reference("\(setup.registry.host)/acme/runsteps:changed")))
        let steps = try #require(second.platforms.first).steps
        #expect(steps.map(\.kind) == ["apt", "packages", "files", "commands"])
        #expect(steps.map(\.cacheHit) == [true, true, true, false])

        // A changed apt list runs apt and everything after it again.
        let third = try await builder.run(
            try setup.plan(setup.spec(apt: apt + ["zstd"], commands: changed), options: options),
            destination: .registry(try Reference("\(setup.registry.host)/acme/runsteps:more-apt")))
        let thirdSteps = try #require(third.platforms.first).steps
        #expect(thirdSteps.map(\.cacheHit) == [false, true, true, false])
    }

    @Test func commandsChangeTheBaseWithWhiteoutsAndOpaqueDirectories() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try setup.plan(
            setup.spec(commands: [
                "rm -rf /usr/share/doc", "rm -rf /etc/apt/apt.conf.d && mkdir /etc/apt/apt.conf.d",
                "echo '// only' > /etc/apt/apt.conf.d/99only", "mkdir -p /data && echo new > /data/file",
                "echo changed > /etc/hostname", "chmod 0600 /root/serve.sh",
            ]), options: options)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
            .run(plan, destination: .ociLayout(path: setup.directory + "/out", tag: "t"))
        let platform = try #require(report.platforms.first)
        let layer = try #require(platform.layers.last)
        #expect(layer.kind == "commands")
        let blob = setup.directory + "/out/blobs/" + layer.digest.replacingOccurrences(of: ":", with: "/")
        let listing = try ExternalTool.run("tar", ["-tzf", blob]).check().stdout
            .split(separator: "\n").map(String.init)
        #expect(listing.contains("usr/share/.wh.doc"))
        #expect(listing.contains("etc/apt/apt.conf.d/.wh..wh..opq"))
        #expect(listing.contains("etc/apt/apt.conf.d/99only"))
        #expect(listing.contains("data/file"))
        #expect(!listing.contains("data/.wh..wh..opq"))  // a new directory hides nothing
        #expect(!listing.contains { $0.hasPrefix("etc/resolv.conf") || $0.hasPrefix("proc/") || $0.hasPrefix("dev/") })

        let bundle = setup.directory + "/bundle"
        try ExternalTool.run("umoci", ["unpack", "--image", setup.directory + "/out:t", bundle]).check()
        let rootfs = bundle + "/rootfs"
        #expect(!FileManager.default.fileExists(atPath: rootfs + "/usr/share/doc"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: rootfs + "/etc/apt/apt.conf.d") == ["99only"])
        #expect(try String(contentsOfFile: rootfs + "/data/file", encoding: .utf8) == "new\n")
        #expect(try String(contentsOfFile: rootfs + "/etc/hostname", encoding: .utf8) == "changed\n")
        #expect(FileManager.default.fileExists(atPath: rootfs + "/usr/bin/python3"))
        let mode = try FileManager.default.attributesOfItem(atPath: rootfs + "/root/serve.sh")[.posixPermissions]
        #expect(mode as? Int == 0o600)
    }

    @Test func aptAndDeterministicCommandsGiveTheSameLayersInTwoCleanBuilds() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        var digests: [[String]] = []
        for run in 0..<2 {
            let scratch = setup.directory + "/clean\(run)"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let options = try BuilderTestSupport.options(in: scratch)
            let plan = try setup.plan(
                setup.spec(
                    apt: ["libgomp1"],
                    commands: ["mkdir -p /data && echo hi > /data/x && chmod 600 /data/x", "rm -rf /usr/share/doc"]),
                options: options)
            let images = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).build(plan)
            digests.append(try #require(images.first).layers.map(\.blob.digest.description))
        }
        #expect(digests[0] == digests[1])
    }

    @Test func failingCommandIsOneLineAndPushesNothing() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try setup.plan(
            setup.spec(name: "failing", commands: ["echo fine", "echo boom >&2 && exit 7", "echo never"]),
            options: options)
        let error = await #expect(throws: BuildError.self) {
            try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
                .run(plan, destination: .registry(try #require(plan.target)))
        }
        #expect(error?.kind == .runFailed)
        let message = error?.message ?? ""
        #expect(message.contains("commands[1]"), "\(message)")
        #expect(message.contains("exit status 7"), "\(message)")
        #expect(message.contains("boom"), "\(message)")
        #expect(!message.contains("\n"))
        #expect(!message.contains("::imagespec-command"))
        let manifests = setup.registry.storagePath + "/docker/registry/v2/repositories/acme/failing/_manifests"
        #expect(!FileManager.default.fileExists(atPath: manifests))
        try Self.expectNothingLeft(below: setup.directory)
    }

    @Test func unknownAptPackageNamesItAndApt() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try setup.plan(
            setup.spec(name: "noapt", apt: ["git", "no-such-package-imagespec"]), options: options)
        let error = await #expect(throws: BuildError.self) {
            try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
                .run(plan, destination: .registry(try #require(plan.target)))
        }
        #expect(error?.kind == .runFailed)
        #expect(error?.message.contains("Unable to locate package no-such-package-imagespec") == true, "\(error!)")
        #expect(error?.message.hasPrefix("apt_packages:") == true)
        let manifests = setup.registry.storagePath + "/docker/registry/v2/repositories/acme/noapt/_manifests"
        #expect(!FileManager.default.fileExists(atPath: manifests))
        try Self.expectNothingLeft(below: setup.directory)
    }

    @Test func hangingCommandIsStoppedByTheStepTimeoutWithItsChildren() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        var options = try BuilderTestSupport.options(in: setup.directory)
        options.stepTimeout = .seconds(3)
        let marker = "sleep 4242"
        let plan = try setup.plan(
            setup.spec(name: "hangs", commands: ["(\(marker) &) && \(marker)"]), options: options)
        let started = ContinuousClock.now
        let error = await #expect(throws: BuildError.self) {
            try await ImageBuilder(client: BuilderTestSupport.client(), options: options).build(plan)
        }
        #expect(started.duration(to: .now) < .seconds(60))
        #expect(error?.kind == .runFailed)
        #expect(error?.message.contains("commands") == true)
        try Self.expectNothingLeft(below: setup.directory, marker: marker)
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-aarch64-static"),
            "needs qemu-user-static (scripts/setup.sh installs it)"))
    func commandsRunForLinuxARM64UnderEmulation() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let base = try await PythonBaseFixture.pushMultiArch(to: setup.registry)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(
            try BuilderTestSupport.loadSpec(
                """
                name: arm
                base_image: \(base)
                platform: linux/arm64
                packages: [hello_pkg]
                pip_extra_args: --no-index --find-links \(setup.directory)/wheels
                commands: ["uname -m > /arch", "python3 -c 'import hello_pkg; print(hello_pkg.VALUE)' > /value"]
                """, in: setup.directory), options: options)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
            .run(plan, destination: .ociLayout(path: setup.directory + "/out", tag: "arm"))
        let platform = try #require(report.platforms.first)
        #expect(platform.platform == "linux/arm64")
        let layer = try #require(platform.layers.last)
        #expect(layer.kind == "commands")
        let blob = setup.directory + "/out/blobs/" + layer.digest.replacingOccurrences(of: ":", with: "/")
        let arch = try ExternalTool.run("tar", ["-xzOf", blob, "arch"]).check().stdout
        let value = try ExternalTool.run("tar", ["-xzOf", blob, "value"]).check().stdout
        #expect(arch == "aarch64\n")
        #expect(value == "42\n")
        try Self.expectNothingLeft(below: setup.directory)
    }

    @Test func interruptStopsARunningCommandAndEveryProcessOfIt() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let binary = try TestEnvironment.requireImagespecBinary()
        let marker = "sleep 4343"
        try setup.spec(name: "interrupted", commands: ["(\(marker) &) && \(marker)"]).write(
            toFile: setup.directory + "/spec.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "build", setup.directory + "/spec.yaml", "--quiet", "--cache-dir", setup.directory + "/layer-cache",
        ]
        process.environment = BuilderTestSupport.uvEnvironment(cache: setup.directory + "/uv-cache")
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the command runs, then Ctrl-C (SIGINT to imagespec alone, as a terminal would send it).
        let deadline = ContinuousClock.now + .seconds(120)
        func running() throws -> Bool {
            try ExternalTool.run("ps", ["-eo", "args"]).check().stdout.split(separator: "\n")
                .contains { $0.hasPrefix(marker) }
        }
        while try !running() {
            #expect(process.isRunning, "imagespec ended before the command ran")
            guard process.isRunning, ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGINT)
        let stopped = ContinuousClock.now
        while process.isRunning && ContinuousClock.now < stopped + .seconds(30) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
        try Self.expectNothingLeft(below: setup.directory, marker: marker)
        let manifests = setup.registry.storagePath + "/docker/registry/v2/repositories/acme/interrupted/_manifests"
        #expect(!FileManager.default.fileExists(atPath: manifests))
    }

    @Test func withoutPrivilegesItIsOneLineBeforeAnyWork() async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let directory = try makeTemporaryDirectory(prefix: "imagespec-unprivileged")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        try "name: x\nbase_image: 127.0.0.1:1/never/pulled:1\ncommands: [\"echo hi\"]\n".write(
            toFile: directory + "/spec.yaml", atomically: true, encoding: .utf8)
        let result = try await ExternalTool.runAsync(
            "setpriv",
            [
                "--reuid=nobody", "--regid=nogroup", "--clear-groups", binary, "build", directory + "/spec.yaml",
                "--quiet", "--output", "oci:\(directory)/out", "--cache-dir", directory + "/cache",
            ], environment: ["HOME": directory])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: commands run in the image, but "), "\(result.stderr)")
        #expect(result.stderr.contains("root"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/out"))
    }

    @Test func baseWithoutAptOrShellIsOneLineBeforeRunning() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        // busybox has /bin/sh but no apt-get; a stand-in python3.11 lets the base pass the Python check.
        let busybox = try await BaseImageFixture.push(
            to: setup.registry, repository: "base/busybox", extraFiles: ["usr/bin/python3.11": ""])
        let options = try BuilderTestSupport.options(in: setup.directory, flytekit: .none)
        let noApt = try BuildPlan(
            try BuilderTestSupport.loadSpec(
                "name: x\nbase_image: \(busybox.reference)\napt_packages: [git]\npackages: []\n", in: setup.directory),
            options: options)
        let error = await #expect(throws: BuildError.self) {
            try await ImageBuilder(client: BuilderTestSupport.client(), options: options).build(noApt)
        }
        #expect(error?.message.contains("no apt-get") == true, "\(error!)")
        #expect(error?.message.hasPrefix("apt_packages:") == true)
    }
}
