import Builder
import Foundation
import OCI
import Spec
import TestSupport
import Testing

/// `requirements: poetry.lock` installs what flytekit's `poetry install --no-root` would: the main dependencies and
/// the non-optional groups at the locked versions, markers evaluated for each image platform, no extras, no optional
/// groups — from real Poetry 1.x and 2.x lock files.
@Suite(.serialized) struct PoetryLockTests {
    /// The fixture's packages, plus `dep_pkg 1.1`, which did not exist when the fixtures were locked: an install
    /// that ignored the lock would take it.
    static let wheels = [
        TestWheel(
            name: "hello_pkg", version: "1.0",
            files: ["hello_pkg/__init__.py": "import dep_pkg\nVALUE = 41 + dep_pkg.ONE\n"], requires: ["dep_pkg"]),
        TestWheel(name: "dep_pkg", version: "1.0", files: ["dep_pkg/__init__.py": "ONE = 1\nVERSION = '1.0'\n"]),
        TestWheel(name: "dep_pkg", version: "1.1", files: ["dep_pkg/__init__.py": "ONE = 1\nVERSION = '1.1'\n"]),
        TestWheel(name: "flytekit", version: "0.0.1", files: ["flytekit/__init__.py": "__version__ = 'test'\n"]),
        TestWheel(name: "docs_pkg", version: "1.0", files: ["docs_pkg/__init__.py": ""]),
        TestWheel(name: "extra_pkg", version: "1.0", files: ["extra_pkg/__init__.py": ""]),
        TestWheel(name: "arm_only_pkg", version: "1.0", files: ["arm_only_pkg/__init__.py": ""]),
    ]

    @Test(arguments: PoetryFixtures.Generation.allCases)
    func installsWhatPoetryInstallWouldPerPlatform(_ generation: PoetryFixtures.Generation) async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let base = try await PythonBaseFixture.pushMultiArch(to: setup.registry)
        try BuilderTestSupport.writeWheels(Self.wheels, to: setup.directory + "/poetry-wheels")
        let index = try PackageIndex(directory: setup.directory + "/index")
        defer { index.stop() }
        try index.add(filesIn: setup.directory + "/poetry-wheels")
        let project = setup.directory + "/proj"
        try FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)
        let files = PoetryFixtures.project(generation, index: index.url)
        try files.pyproject.write(toFile: project + "/pyproject.toml", atomically: true, encoding: .utf8)
        try files.lock.write(toFile: project + "/poetry.lock", atomically: true, encoding: .utf8)

        let loaded = try BuilderTestSupport.loadSpec(
            """
            name: poetry
            registry: \(setup.registry.host)/acme
            base_image: \(base)
            platform: linux/amd64,linux/arm64
            requirements: proj/poetry.lock
            pip_index: \(index.url)/
            """, in: setup.directory)
        let options = try BuilderTestSupport.options(in: setup.directory)
        let plan = try BuildPlan(loaded, options: options)
        #expect(plan.lockFile == project + "/poetry.lock")
        #expect(plan.requirements.isEmpty)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            plan, destination: .registry(try #require(plan.target)))
        let installed = report.platforms.map { Set($0.layers.flatMap { $0.packages ?? [] }) }
        // main (hello_pkg → dep_pkg at the locked 1.0) + the dev group; not the optional docs group, not the
        // extra; arm_only_pkg only where its marker holds.
        let common: Set = ["hello-pkg==1.0", "dep-pkg==1.0", "flytekit==0.0.1"]
        #expect(installed == [common, common.union(["arm-only-pkg==1.0"])], "\(generation)")

        let image = try await UnpackedImage.unpack("docker://\(plan.imageName)", into: setup.directory + "/check")
        let result = try image.run(
            "python3 -c 'import hello_pkg, dep_pkg, flytekit; print(hello_pkg.VALUE, dep_pkg.VERSION)' && "
                + "for m in docs_pkg extra_pkg arm_only_pkg; do python3 -c \"import $m\" 2>/dev/null && echo $m; "
                + "done; true")
        #expect(try result.check().stdout == "42 1.0\n")
    }

    @Test func projectRequirementsFollowPoetrysGroupsAndMarkers() throws {
        let project = try PoetryProject(
            parsing: """
                [tool.poetry.dependencies]
                python = "^3.10"
                Requests = { version = "^2.31", extras = ["socks"] }
                old = { version = "*", python = "<3.9 || >=3.12,<3.13" }
                tz = [{ version = "1", markers = "sys_platform == 'linux'" }, { version = "2", python = "~3.11" }]
                optional-one = { version = "*", optional = true }

                [tool.poetry.dev-dependencies]
                pytest = "*"

                [tool.poetry.group.lint]
                optional = true

                [tool.poetry.group.lint.dependencies]
                ruff = "*"

                [tool.poetry.group.typing.dependencies]
                mypy = ">=1"

                [dependency-groups]
                test = ["coverage>=7", { include-group = "typing" }]
                typing = ["types-six"]
                """, path: "pyproject.toml")
        #expect(project.groups == ["dev", "test", "typing"])
        #expect(
            project.requirements == [
                "Requests[socks]",
                #"old ; (python_full_version < "3.9") or (python_full_version >= "3.12" and python_full_version < "3.13")"#,
                "tz ; sys_platform == 'linux'",
                #"tz ; python_full_version >= "3.11" and python_full_version < "3.12""#,
                "pytest", "coverage>=7", "types-six", "mypy", "types-six",
            ])
        #expect(PoetryProject.pythonMarker("*") == "")
        #expect(
            PoetryProject.pythonMarker("3.11.*") == #"python_full_version >= "3.11" and python_full_version < "3.12""#)
        #expect(PoetryProject.pythonMarker("~=3.10") == #"python_full_version >= "3.10" and python_full_version < "4""#)
        #expect(
            PoetryProject.pythonMarker("^0.2.1") == #"python_full_version >= "0.2.1" and python_full_version < "0.3""#)
        #expect(PoetryProject.pythonMarker("banana") == nil)
    }

    /// Poetry 1.0–1.1 locks (lock-version 1.1): `category`, hashes in `[metadata.files]`; a Poetry 2 lock that pins a
    /// name twice tells the versions apart by their markers.
    @Test func olderAndDuplicateLocksBecomeConstraints() throws {
        let project = try PoetryProject(parsing: "[tool.poetry.dependencies]\nsix = \"*\"\n", path: "p")
        let old = try PoetryLock(
            parsing: """
                [[package]]
                name = "six"
                version = "1.16.0"
                description = "Python 2 and 3 compatibility utilities"
                category = "main"
                optional = false
                python-versions = ">=2.7, !=3.0.*"

                [metadata]
                lock-version = "1.1"
                python-versions = "^3.8"
                content-hash = "abc"

                [metadata.files]
                six = [
                    {file = "six-1.16.0-py2.py3-none-any.whl", hash = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"},
                ]
                """, path: "l")
        #expect(old.lockVersion == "1.1")
        #expect(try PoetryExport(lock: old, project: project, lockPath: "l").constraints == ["six==1.16.0"])
        let twice = try PoetryLock(
            parsing: """
                [[package]]
                name = "numpy"
                version = "1.26.4"
                groups = ["main"]
                markers = "python_version < \\"3.12\\""

                [[package]]
                name = "numpy"
                version = "2.1.0"
                groups = ["main", "dev"]
                markers = {main = "python_version >= \\"3.12\\"", dev = "sys_platform == \\"linux\\""}

                [metadata]
                lock-version = "2.1"
                """, path: "l")
        #expect(
            try PoetryExport(lock: twice, project: project, lockPath: "l").constraints == [
                #"numpy==1.26.4 ; python_version < "3.12""#,
                #"numpy==2.1.0 ; (python_version >= "3.12") or (sys_platform == "linux")"#,
            ])
    }

    @Test func badPoetryInputIsOneLineNamingTheFix() throws {
        func exportError(project: String, lock: String) -> BuildError? {
            #expect(throws: BuildError.self) {
                try PoetryExport(
                    lock: try PoetryLock(parsing: lock, path: "/p/poetry.lock"),
                    project: try PoetryProject(parsing: project, path: "/p/pyproject.toml"), lockPath: "/p/poetry.lock")
            }
        }
        let plain = "[tool.poetry.dependencies]\nsix = \"*\"\n"
        let git = exportError(
            project: "[tool.poetry.dependencies]\nlib = { git = \"https://example.com/lib.git\" }\n", lock: "")
        #expect(git?.message.contains("dependency lib comes from a git source") == true)
        let directory = exportError(
            project: plain,
            lock:
                "[[package]]\nname = \"six\"\nversion = \"1\"\n[package.source]\ntype = \"directory\"\nurl = \"../six\"\n"
        )
        #expect(directory?.message.contains("locks six 1 from a directory source") == true)
        let twice = exportError(
            project: plain,
            lock: "[[package]]\nname = \"six\"\nversion = \"1\"\n[[package]]\nname = \"six\"\nversion = \"2\"\n"
                + "[metadata]\nlock-version = \"2.0\"\n")
        #expect(twice?.message.contains("locks several versions of six without the markers") == true)
        let future = exportError(project: plain, lock: "[metadata]\nlock-version = \"3.0\"\n")
        #expect(future?.message.contains("lock-version 3.0, newer than this imagespec reads") == true)
        for error in [git, directory, twice, future] {
            #expect(error?.message.contains("\n") == false)
        }

        // After the install: anything the lock does not pin is refused.
        let staging = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try FileManager.default.createDirectory(
            atPath: staging + "/Six-1.0.dist-info", withIntermediateDirectories: true)
        let export = try PoetryExport(
            lock: try PoetryLock(parsing: "[[package]]\nname = \"six\"\nversion = \"1.0.0\"\n", path: "l"),
            project: try PoetryProject(parsing: plain, path: "p"), lockPath: "l")
        try export.verify(installedIn: staging)  // 1.0 == 1.0.0
        try FileManager.default.createDirectory(
            atPath: staging + "/extra_thing-2.dist-info", withIntermediateDirectories: true)
        let unlocked = #expect(throws: BuildError.self) { try export.verify(installedIn: staging) }
        #expect(unlocked?.message.contains("uv installed extra-thing 2, which l does not lock") == true)
    }
}
