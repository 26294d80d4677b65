import Builder
import Foundation
import OCI
import Registry
import Spec
import TestSupport
import Testing

/// End to end with real parts: a debootstrap python3 base in a real registry, hand-made wheels served from a local
/// directory, uv, then skopeo + umoci + chroot to run what was built.
@Suite(.serialized) struct BuildPushTests {
    /// A registry with the python base, a project directory with wheels and source files, and a spec.
    struct Setup {
        let registry: RegistryFixture
        let directory: String
        let base: String

        static func make() async throws -> Setup {
            let registry = try await RegistryFixture.start()
            let base = try await PythonBaseFixture.push(to: registry)
            let directory = try makeTemporaryDirectory(prefix: "imagespec-build")
            try BuilderTestSupport.standardWheels(in: directory + "/wheels")
            try FileManager.default.createDirectory(atPath: directory + "/src/wf", withIntermediateDirectories: true)
            try "print('workflow ran')\n".write(
                toFile: directory + "/src/wf/main.py", atomically: true, encoding: .utf8)
            try "data\n".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
            return Setup(registry: registry, directory: directory, base: base)
        }

        func spec(pin: String = "dep_pkg==1.0", extra: String = "") -> String {
            """
            name: hello
            registry: \(registry.host)/acme
            base_image: \(base)
            packages: [hello_pkg, "\(pin)"]
            pip_extra_args: --no-index --find-links \(directory)/wheels
            env: {GREETING: "hi there"}
            copy: [src, notes.txt]
            \(extra)
            """
        }

        func stop() {
            registry.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func buildPushRunInChroot() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let loaded = try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let report = try await builder.run(plan, destination: .registry(try #require(plan.target)))
        #expect(report.skipped == false)
        #expect(report.image == plan.imageName)
        let platform = try #require(report.platforms.first)
        #expect(platform.python == "3.11")
        #expect(platform.layers.first?.kind == "base")
        #expect(platform.layers.first?.pushed == false)  // the base layer was mounted, not uploaded
        #expect(platform.layers.filter { $0.kind == "files" }.count == 1)
        #expect(platform.layers.allSatisfy { $0.mediaType == MediaType.ociLayerGzip })
        let packages = Set(platform.layers.flatMap { $0.packages ?? [] })
        #expect(packages == ["hello-pkg==1.0", "dep-pkg==1.0", "flytekit==0.0.1"])
        #expect(setup.registry.log().contains("mount="))

        let image = try await UnpackedImage.unpack(
            "docker://\(plan.imageName)", into: setup.directory + "/check")
        let result = try image.run(
            "python3 -c 'import hello_pkg, dep_pkg, flytekit, os; print(hello_pkg.VALUE, dep_pkg.VERSION, "
                + "flytekit.__version__); print(os.environ[\"_F_IMG_ID\"]); print(os.environ[\"PYTHONPATH\"]); "
                + "print(os.environ[\"GREETING\"]); print(os.getcwd())' && hello-cli && python3 src/wf/main.py && "
                + "cat notes.txt && head -n 1 /opt/imagespec/bin/hello-cli")
        try result.check()
        #expect(
            result.stdout.split(separator: "\n").map(String.init) == [
                "42 1.0 0.0.1-test", loaded.spec.id, "/root:/opt/imagespec/site-packages", "hi there", "/root",
                "hello-cli says 42", "workflow ran", "data", "#!/usr/bin/env python3.11",
            ])
        let config = try ExternalTool.run(
            "skopeo", ["inspect", "--tls-verify=false", "--config", "docker://\(plan.imageName)"]
        ).check().stdoutData
        let parsed = try #require(try JSONSerialization.jsonObject(with: config) as? [String: Any])
        #expect((parsed["config"] as? [String: Any])?["WorkingDir"] as? String == "/root")
        #expect(parsed["created"] as? String == "1970-01-01T00:00:00Z")
        let history = try #require(parsed["history"] as? [[String: Any]])
        #expect(history.count == platform.layers.count)

        // The exists short-circuit: one HEAD, nothing built.
        let again = try await builder.run(plan, destination: .registry(try #require(plan.target)))
        #expect(again.skipped == true)
        #expect(again.digest == report.digest)
    }

    @Test func twoCleanBuildsGiveTheSameDigest() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        var digests: [Digest] = []
        for run in 0..<2 {
            let scratch = setup.directory + "/run\(run)"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let loaded = try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory)
            let options = try BuilderTestSupport.options(in: scratch)
            let images = try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
                .build(try BuildPlan(loaded, options: options))
            digests.append(try #require(images.first).digest)
        }
        #expect(digests[0] == digests[1])
    }

    @Test func changingOnePinPushesExactlyOnePackageLayer() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let first = try await builder.run(
            try BuildPlan(try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory), options: options),
            destination: .registry(try Reference("\(setup.registry.host)/acme/hello:v1")))
        let second = try await builder.run(
            try BuildPlan(
                try BuilderTestSupport.loadSpec(setup.spec(pin: "dep_pkg==1.1"), in: setup.directory),
                options: options),
            destination: .registry(try Reference("\(setup.registry.host)/acme/hello:v2")))
        let before = try #require(first.platforms.first)
        let after = try #require(second.platforms.first)
        #expect(before.layers.filter(\.pushed).count == before.layers.count - 1)  // all but the mounted base
        let pushed = after.layers.filter(\.pushed)
        #expect(pushed.count == 1)
        #expect(pushed.first?.packages == ["dep-pkg==1.1"])
        #expect(after.bytesPushed < (pushed.first?.size ?? 0) + 10_000)
        #expect(first.digest != second.digest)
    }

    @Test func ociLayoutAndDockerArchiveOutputs() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let loaded = try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let layout = setup.directory + "/out.oci"
        let report = try await builder.run(
            plan, destination: try BuildDestination(parsing: "oci:" + layout, plan: plan))
        // The report names the layout as skopeo accepts it: oci:DIR:TAG, or oci:DIR for a tag starting with _ or -.
        #expect(report.destination == BuildDestination.ociLayout(path: layout, tag: plan.tag).description)
        let image = try await UnpackedImage.unpack(report.destination, into: setup.directory + "/oci-check")
        #expect(try image.run("hello-cli").check().stdout == "hello-cli says 42\n")
        let inspected = try ExternalTool.run("skopeo", ["inspect", "--raw", report.destination]).check()
        #expect(Digest.sha256(inspected.stdoutData).description == report.digest)

        // flytekit tags are URL-safe base64: one starting with "_" is no OCI ref name (skopeo and umoci refuse it),
        // so the layout names the image by io.containerd.image.name only, and oci:DIR still reads it.
        let odd = setup.directory + "/odd.oci"
        let oddTag = "_" + plan.tag.dropFirst()
        let oddReport = try await builder.run(plan, destination: .ociLayout(path: odd, tag: oddTag))
        #expect(oddReport.destination == "oci:" + odd)
        let index = try JSONDecoder().decode(
            ImageIndex.self, from: Data(contentsOf: URL(fileURLWithPath: odd + "/index.json")))
        #expect(index.manifests.count == 1)
        #expect(index.manifests.first?.annotations?["org.opencontainers.image.ref.name"] == nil)
        #expect(index.manifests.first?.annotations?["io.containerd.image.name"]?.hasSuffix(":" + oddTag) == true)
        let oddInspected = try ExternalTool.run("skopeo", ["inspect", "--raw", "oci:" + odd]).check()
        #expect(Digest.sha256(oddInspected.stdoutData).description == oddReport.digest)
        // Writing it again replaces the entry instead of adding a second unnamed image.
        _ = try await builder.run(plan, destination: .ociLayout(path: odd, tag: oddTag))
        let again = try JSONDecoder().decode(
            ImageIndex.self, from: Data(contentsOf: URL(fileURLWithPath: odd + "/index.json")))
        #expect(again.manifests.count == 1)

        let archive = setup.directory + "/image.tar"
        _ = try await builder.run(
            plan, destination: try BuildDestination(parsing: "docker-archive:" + archive, plan: plan))
        let fromArchive = try await UnpackedImage.unpack(
            "docker-archive:\(archive)", into: setup.directory + "/archive-check")
        #expect(try fromArchive.run("python3 -c 'import hello_pkg; print(hello_pkg.VALUE)'").check().stdout == "42\n")
        let listing = try ExternalTool.run("tar", ["-tf", archive]).check().stdout
        #expect(listing.contains("manifest.json"))
    }

    @Test func baseWithoutPythonIsOneClearError() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let base = try await BaseImageFixture.push(to: registry, repository: "base/busybox", tag: "1")
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            "name: x\nbase_image: \(base.reference)\npackages: [six]\n", in: directory)
        let options = try BuilderTestSupport.options(in: directory)
        let error = await #expect(throws: BuildError.self) {
            _ = try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
                .build(try BuildPlan(loaded, options: options))
        }
        #expect(error?.kind == .baseWithoutPython)
        #expect(error?.message.contains("base image \(base.reference) has no Python") == true)
    }

    @Test func pythonFoundInLayerListingWhenConfigHasNoVersion() async throws {
        let registry = try await RegistryFixture.start()
        defer { registry.stop() }
        let base = try await BaseImageFixture.push(
            to: registry, repository: "base/fakepython", tag: "1",
            extraFiles: ["usr/local/bin/python3.12": "#!/bin/sh\n"])
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try BuilderTestSupport.standardWheels(in: directory + "/wheels")
        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: probe
            base_image: \(base.reference)
            packages: [hello_pkg]
            pip_extra_args: --no-index --find-links \(directory)/wheels
            """, in: directory)
        let options = try BuilderTestSupport.options(in: directory)
        let images = try await ImageBuilder(client: BuilderTestSupport.client(), options: options)
            .build(try BuildPlan(loaded, options: options))
        let image = try #require(images.first)
        #expect(image.base.python == PythonTarget(version: "3.12", interpreter: "/usr/local/bin/python3.12"))
        let layout = directory + "/out"
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            try BuildPlan(loaded, options: options), destination: .ociLayout(path: layout, tag: "t"))
        #expect(report.digest == image.digest.description)
        let unpacked = try await UnpackedImage.unpack("oci:\(layout):t", into: directory + "/check")
        let script = try String(contentsOfFile: unpacked.rootfs + "/opt/imagespec/bin/hello-cli", encoding: .utf8)
        #expect(script.hasPrefix("#!/usr/local/bin/python3.12\n"))
    }

    @Test func unresolvablePackageShowsUvsReason() async throws {
        let setup = try await Setup.make()
        defer { setup.stop() }
        let loaded = try BuilderTestSupport.loadSpec(
            setup.spec(pin: "no_such_package_xyz==1"), in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        let error = await #expect(throws: BuildError.self) {
            _ = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
                plan, destination: .registry(try #require(plan.target)))
        }
        #expect(error?.kind == .installFailed)
        #expect(
            error?.message.contains("no_such_package_xyz") == true
                || error?.message.contains("no-such-package-xyz") == true)
        #expect(error?.message.contains("\n") == false)
        // Nothing was tagged.
        let client = BuilderTestSupport.client()
        #expect(try await client.headManifest(try #require(plan.target)) == nil)
    }

    @Test func missingUvIsOneClearError() throws {
        #expect {
            try PythonInstaller(environment: ["PATH": "/nonexistent"])
        } throws: { error in
            let error = error as? BuildError
            return error?.kind == .missingTool
                && error?.message.hasPrefix("uv not found next to imagespec or on PATH") == true
        }
    }
}
