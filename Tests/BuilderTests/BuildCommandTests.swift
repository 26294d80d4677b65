import Builder
import Foundation
import TestSupport
import Testing

/// `imagespec build` as a user runs it: JSON summary, the exists short-circuit, and one-line errors.
@Suite(.serialized) struct BuildCommandTests {
    @Test func buildJSONThenShortCircuit() async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let spec = setup.directory + "/spec.yaml"
        try setup.spec().write(toFile: spec, atomically: true, encoding: .utf8)
        let environment = BuilderTestSupport.uvEnvironment(cache: setup.directory + "/uv-cache")
        let arguments = [
            "build", spec, "--json", "--cache-dir", setup.directory + "/layer-cache", "--flytekit-version", "0.0.1",
        ]
        let first = try await ExternalTool.runAsync(binary, arguments, environment: environment).check()
        let report = try #require(
            try JSONSerialization.jsonObject(with: first.stdoutData) as? [String: Any])
        #expect(report["skipped"] as? Bool == false)
        let image = try #require(report["image"] as? String)
        #expect(image.hasPrefix("\(setup.registry.host)/acme/hello:"))
        let platforms = try #require(report["platforms"] as? [[String: Any]])
        let layers = try #require(platforms.first?["layers"] as? [[String: Any]])
        #expect(layers.allSatisfy { $0["digest"] is String && $0["size"] is Int && $0["mediaType"] is String })
        #expect(platforms.first?["bytes_pushed"] is Int)
        let digest = try #require(report["digest"] as? String)
        let inspected = try ExternalTool.run(
            "skopeo", ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://\(image)"]
        ).check()
        #expect(inspected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == digest)

        let second = try await ExternalTool.runAsync(
            binary, ["build", spec, "--quiet", "--cache-dir", setup.directory + "/layer-cache"],
            environment: environment
        ).check()
        #expect(second.stdout == "\(image)@\(digest)\n")
    }

    @Test func progressPlainTTYQuietAndForcePushVariable() async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let spec = setup.directory + "/spec.yaml"
        try setup.spec().write(toFile: spec, atomically: true, encoding: .utf8)
        var environment = BuilderTestSupport.uvEnvironment(cache: setup.directory + "/uv-cache")
        environment[FlytekitSettings.forcePushVariable] = nil
        let arguments = ["build", spec, "--cache-dir", setup.directory + "/layer-cache"]

        // Not a terminal: step lines only.
        let plain = try await ExternalTool.runAsync(
            binary, arguments, environment: environment, unsetting: [FlytekitSettings.forcePushVariable]
        ).check()
        let plainLines = plain.stderr.split(separator: "\n").map(String.init)
        #expect(plainLines.contains("linux/amd64: installing 3 requirement(s) with uv (Python 3.11)"))
        #expect(!plain.stderr.contains("▸") && !plain.stderr.contains("sha256:"))
        #expect(!plain.stderr.contains("\u{1B}"))

        // On a terminal (script(1) gives the command a pty): steps and a line per layer and blob with its size.
        let command = ([binary] + arguments + ["--force"]).map { "'\($0)'" }.joined(separator: " ")
        let tty = try await ExternalTool.runAsync(
            "script", ["-qec", command + " 2>&1", "/dev/null"], environment: environment,
            unsetting: [FlytekitSettings.forcePushVariable]
        ).check()
        #expect(tty.stdout.contains("▸ linux/amd64: installing 3 requirement(s) with uv (Python 3.11)"))
        let layerLine = #"linux/amd64 layer sha256:[0-9a-f]{12} [0-9.]+ (B|kB|MB) \(cached\)"#
        let blobLine = #"linux/amd64 sha256:[0-9a-f]{12} [0-9.]+ (B|kB|MB) existing"#
        #expect(tty.stdout.range(of: layerLine, options: .regularExpression) != nil)
        #expect(tty.stdout.range(of: blobLine, options: .regularExpression) != nil)

        // --quiet: nothing on stderr; the image exists, so nothing is built…
        let quiet = try await ExternalTool.runAsync(
            binary, arguments + ["--quiet", "--json"], environment: environment,
            unsetting: [FlytekitSettings.forcePushVariable]
        ).check()
        #expect(quiet.stderr.isEmpty)
        #expect(quiet.stdout.contains("\"skipped\":true"))
        // …unless FLYTE_FORCE_PUSH_IMAGE_SPEC is set (even empty, as flytekit's str2bool reads it), but not "off".
        for (value, skipped) in [("", false), ("off", true), ("True", false)] {
            environment[FlytekitSettings.forcePushVariable] = value
            let run = try await ExternalTool.runAsync(binary, arguments + ["--json"], environment: environment)
                .check()
            #expect(run.stdout.contains("\"skipped\":\(skipped)"), "FLYTE_FORCE_PUSH_IMAGE_SPEC=\(value)")
        }
    }

    @Test func unsupportedFieldFailsWithOneLine() async throws {
        let binary = try TestEnvironment.requireImagespecBinary()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "name: x\nbase_image: python:3.11\nconda_packages: [numpy]\n".write(
            toFile: directory + "/spec.yaml", atomically: true, encoding: .utf8)
        let result = try await ExternalTool.runAsync(binary, ["build", directory + "/spec.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: conda_packages is not supported yet"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
