import Builder
import Foundation
import OCI
import Spec
import TestSupport
import Testing

@Suite struct BuildPlanTests {
    static let unsupported: [(String, String)] = [
        ("conda_packages", "conda_packages: [numpy]"),
        ("conda_channels", "conda_channels: [conda-forge]"),
        ("cuda", "cuda: \"12.1\""),
        ("cudnn", "cudnn: \"8\""),
        ("python_exec", "python_exec: /usr/bin/python3"),
    ]

    @Test(arguments: unsupported)
    func unsupportedFieldIsOneErrorNamingIt(field: String, line: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec("name: x\nbase_image: python:3.11\n\(line)\n", in: directory)
        let error = #expect(throws: BuildError.self) {
            try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        }
        #expect(error?.kind == .unsupportedField)
        #expect(error?.message.hasPrefix("\(field) is not supported yet") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func aptPackagesAndCommandsArePlannedInOrder() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: x
            base_image: python:3.11
            apt_packages: [git, " curl ", "libgomp1=12.2.0-14"]
            commands: ["chmod +x /root/serve", "echo a || echo b"]
            """, in: directory)
        let plan = try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        #expect(plan.aptPackages == ["git", "curl", "libgomp1=12.2.0-14"])
        #expect(plan.commands == ["chmod +x /root/serve", "echo a || echo b"])
    }

    @Test(arguments: [
        ("apt_packages: [\"git curl\"]", "apt_packages[0] \"git curl\" is not a package name"),
        ("apt_packages: [\"git; rm -rf /\"]", "apt_packages[0]"),
        ("apt_packages: [git, \"--allow-unauthenticated\"]", "apt_packages[1]"),
        ("commands: [\"echo hi\", \"  \"]", "commands[1] is empty"),
    ])
    func badAptPackagesAndCommandsAreOneLine(line: String, message: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec("name: x\nbase_image: python:3.11\n\(line)\n", in: directory)
        let error = #expect(throws: BuildError.self) {
            try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        }
        #expect(error?.kind == .invalidSpec)
        #expect(error?.message.hasPrefix(message) == true, "\(error!)")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func requirementsCombineFilePackagesAndFlytekit() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "# comment\nrequests==2.0\n\n  six\n".write(
            toFile: directory + "/requirements.txt", atomically: true, encoding: .utf8)
        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: x
            base_image: python:3.11
            requirements: requirements.txt
            packages: [numpy]
            pip_index: https://pypi.example/simple
            pip_extra_index_url: [https://extra.example/simple]
            pip_extra_args: --find-links "/tmp/some dir" --no-index
            platform: linux/amd64, linux/arm64
            """, in: directory)
        let plan = try BuildPlan(
            loaded, options: try BuilderTestSupport.options(in: directory, flytekit: .version("1.16.31")))
        #expect(plan.requirements == ["requests==2.0", "six", "numpy", "flytekit==1.16.31"])
        #expect(plan.indexURL == "https://pypi.example/simple")
        #expect(plan.extraIndexURLs == ["https://extra.example/simple"])
        #expect(plan.extraInstallArguments == ["--find-links", "/tmp/some dir", "--no-index"])
        #expect(plan.platforms == [.linuxAMD64, .linuxARM64])
        #expect(plan.target == nil)
        let arguments = PythonInstaller.arguments(
            plan: plan, python: PythonTarget(version: "3.11"), platform: .linuxARM64, requirementsFile: "r.txt",
            staging: "/s")
        #expect(
            arguments.starts(with: [
                "pip", "install", "--target", "/s", "--python-platform", "aarch64-manylinux_2_28",
                "--python-version", "3.11", "--only-binary", ":all:",
            ]))
        #expect(arguments.suffix(2) == ["-r", "r.txt"])
    }

    @Test(arguments: ["flytekit>=1.10", "Flytekit[extras]", "union==0.1", "flytekit"])
    func flytekitIsNotAddedWhenNamed(package: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            "name: x\nbase_image: python:3.11\npackages: [\"\(package)\"]\n", in: directory)
        let plan = try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        #expect(plan.requirements == [package])
    }

    @Test func defaultBaseAndRegistryTarget() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            "name: app\nregistry: ghcr.io/acme\npython_version: \"3.12\"\n", in: directory)
        let plan = try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        #expect(plan.baseImage == "docker.io/library/python:3.12-slim")
        #expect(plan.target?.description == plan.imageName)
        #expect(plan.imageName == (try loaded.imageName()))
        #expect(plan.specID == loaded.spec.id)
        #expect(plan.requirements == ["flytekit"])
    }

    @Test func unsupportedPlatformIsAnError() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let riscv = try BuilderTestSupport.loadSpec(
            "name: x\nbase_image: a:b\nplatform: linux/riscv64\n", in: directory)
        #expect(throws: BuildError.self) {
            try BuildPlan(riscv, options: try BuilderTestSupport.options(in: directory))
        }
    }
}

@Suite struct PythonTargetTests {
    @Test func versionFromEnvironment() {
        #expect(PythonTarget.fromEnvironment(["PATH=/bin", "PYTHON_VERSION=3.11.2"]) == PythonTarget(version: "3.11"))
        #expect(PythonTarget.fromEnvironment(["PYTHON_VERSION=3.13.0rc1"])?.version == "3.13")
        #expect(PythonTarget.fromEnvironment(["PATH=/bin"]) == nil)
    }

    @Test func interpreterFromListing() {
        let debian = [
            "./usr/bin/python3", "./usr/bin/python3.11", "./usr/lib/python3.11/os.py", "usr/bin/python3.11-config",
        ]
        #expect(PythonTarget.fromListing(debian) == PythonTarget(version: "3.11", interpreter: "/usr/bin/python3.11"))
        let official = ["usr/bin/python3.11", "usr/local/bin/python3.12", "usr/local/bin/python3"]
        #expect(PythonTarget.fromListing(official)?.interpreter == "/usr/local/bin/python3.12")
        #expect(PythonTarget.fromListing(["bin/busybox", "bin/sh"]) == nil)
        #expect(PythonTarget(version: "3.11", interpreter: "/usr/bin/python3.11").shebang == "#!/usr/bin/python3.11")
        #expect(PythonTarget(version: "3.11").shebang == "#!/usr/bin/env python3.11")
    }

    @Test func assembledEnvironment() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loaded = try BuilderTestSupport.loadSpec(
            "name: x\nbase_image: a:b\nenv: {A: \"1\", LANG: C}\n", in: directory)
        let plan = try BuildPlan(loaded, options: try BuilderTestSupport.options(in: directory))
        let env = ImageAssembler.environment(plan: plan, base: ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"])
        #expect(
            env == [
                "PATH=/opt/imagespec/bin:/usr/bin:/bin", "LANG=C", "PYTHONPATH=/root:/opt/imagespec/site-packages",
                "A=1",
                "_F_IMG_ID=\(loaded.spec.id)",
            ])
    }
}
