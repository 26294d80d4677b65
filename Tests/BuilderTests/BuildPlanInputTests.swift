import Builder
import Foundation
import Spec
import TestSupport
import Testing

/// Spec values flytekit hashes but that would give a wrong image, refused while planning; and what stays accepted.
@Suite struct BuildPlanInputTests {
    func plan(_ yaml: String, in directory: String, follow: Bool = false) throws -> BuildPlan {
        var options = try BuilderTestSupport.options(in: directory)
        options.followExternalSymlinks = follow
        return try BuildPlan(try BuilderTestSupport.loadSpec(yaml, in: directory), options: options)
    }

    func message(_ yaml: String, in directory: String, follow: Bool = false) throws -> String? {
        do {
            _ = try plan(yaml, in: directory, follow: follow)
            return nil
        } catch let error as BuildError {
            return error.message
        }
    }

    @Test func numbersAndBooleansInEnvBecomeTheirPythonText() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = try plan("name: x\nbase_image: python:3.11\nenv: {N: 1, F: 1.5, B: true, S: 'a b'}\n", in: directory)
        #expect(plan.environment.map(\.entry) == ["N=1", "F=1.5", "B=True", "S=a b"])
    }

    @Test(arguments: [
        ["--no-index", "--find-links", "DIR/wheels"], ["--pre", "-U", "--index-strategy", "unsafe-best-match"],
        ["--no-cache-dir", "--no-deps"], ["-i", "https://pypi.example/simple", "--extra-index-url=https://x.example"],
        ["--find-links=https://download.example/wheels", "--no-build-isolation", "--reinstall"],
        ["-f", "DIR/absent-dir"], ["--config-setting", "key=value", "-C", "k=v"],
    ])
    func ordinaryExtraArgumentsStayAccepted(arguments: [String]) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/wheels", withIntermediateDirectories: true)
        let filled = arguments.map { $0.replacingOccurrences(of: "DIR", with: directory) }
        let plan = try plan(
            "name: x\nbase_image: python:3.11\npip_extra_args: \(filled.joined(separator: " "))\n", in: directory)
        #expect(plan.extraInstallArguments == filled)
    }

    @Test(arguments: [
        ("--prefix /x", "--prefix"), ("--system", "--system"), ("-t/x", "-t/x"), ("--user", "--user"),
        ("--python-version 3.9", "--python-version"), ("-c constraints.txt", "-c"), ("-e .", "-e"),
        ("--overrides o.txt", "--overrides"), ("--cert ca.pem", "--cert"), ("--directory /", "--directory"),
        ("--dry-run", "--dry-run"), ("numpy", "numpy"),
    ])
    func refusedExtraArgumentsNameTheArgument(arguments: String, named: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try message("name: x\nbase_image: python:3.11\npip_extra_args: \(arguments)\n", in: directory)
        #expect(text?.hasPrefix("pip_extra_args: \"\(named)") == true, "\(text ?? "accepted")")
    }

    @Test(arguments: ["3.11", "3.11.4", "3", "3.13.0rc1", "2.7"])
    func pythonVersionsAreAccepted(version: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = try plan("name: x\nbase_image: python:3.11\npython_version: \"\(version)\"\n", in: directory)
        #expect(plan.pythonVersion == version)
    }

    @Test(arguments: ["latest", "3.x", "3.11 ", "py3", "3..1"])
    func nonVersionsAreRefused(version: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try message("name: x\nbase_image: python:3.11\npython_version: \"\(version)\"\n", in: directory)
        #expect(text?.hasPrefix("python_version \"\(version)\" is not a Python version") == true, "\(text ?? "-")")
    }

    @Test func symlinksInsideTheProjectAreFollowedAndOutsideOnlyWhenAsked() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let project = directory + "/project"
        try FileManager.default.createDirectory(atPath: project + "/data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/outside", withIntermediateDirectories: true)
        try "in\n".write(toFile: project + "/data/real.txt", atomically: true, encoding: .utf8)
        try "out\n".write(toFile: directory + "/outside/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: project + "/inside.txt", withDestinationPath: "data/real.txt")
        try FileManager.default.createSymbolicLink(
            atPath: project + "/outside.txt", withDestinationPath: "../outside/secret.txt")
        let spec = "name: x\nbase_image: python:3.11\nsource_root: .\nsource_copy_mode: ALL\n"
        let refused = try message(spec, in: project)
        #expect(refused?.contains("source_root file 'outside.txt'") == true, "\(refused ?? "accepted")")
        #expect(refused?.contains("../outside/secret.txt") == true, "\(refused ?? "accepted")")
        let followed = try plan(spec, in: project, follow: true)
        #expect(followed.files.map(\.destination).contains("root/outside.txt"))
        try FileManager.default.removeItem(atPath: project + "/outside.txt")
        let inside = try plan(spec + "copy: [inside.txt]\n", in: project)
        #expect(inside.files.map(\.destination).contains("root/inside.txt"))
    }
}
