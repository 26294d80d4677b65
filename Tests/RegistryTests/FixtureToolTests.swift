import Foundation
import TestSupport
import Testing

/// Self-tests of `ExternalTool` and `TestEnvironment`.
@Suite("ExternalTool fixture")
struct FixtureToolTests {
    @Test("captures status, stdout, stderr, stdin and environment")
    func capturesOutput() throws {
        let result = try ExternalTool.run(
            "sh", ["-c", #"cat; echo "out:$FIXTURE_VAR"; echo err >&2; exit 3"#],
            environment: ["FIXTURE_VAR": "value"], input: Data("in\n".utf8))
        #expect(result.status == 3)
        #expect(result.stdout == "in\nout:value\n")
        #expect(result.stderr == "err\n")
        #expect(throws: TestSupportError.self) { try result.check() }
        #expect(try ExternalTool.run("true").check().succeeded)
    }

    @Test("large outputs do not deadlock")
    func largeOutput() async throws {
        let result = try await ExternalTool.runAsync("head", ["-c", "5000000", "/dev/zero"])
        #expect(result.stdoutData.count == 5_000_000)
    }

    @Test("unsets variables and reports signals as 128+N")
    func environmentAndSignals() throws {
        let result = try ExternalTool.run(
            "sh", ["-c", #"echo "[${HOME-unset}]"; kill -TERM $$"#], unsetting: ["HOME"])
        #expect(result.stdout == "[unset]\n")
        #expect(result.status == 128 + SIGTERM)
    }

    @Test("children start with no blocked signals even when the calling thread blocks SIGTERM")
    func signalMask() throws {
        // libdispatch worker threads block SIGTERM; a child inheriting that mask could not be stopped politely.
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let mask = try ExternalTool.run("sh", ["-c", "grep SigBlk /proc/self/status"])
        #expect(mask.stdout == "SigBlk:\t0000000000000000\n")
        let killed = try ExternalTool.run("sh", ["-c", "kill -TERM $$; echo survived"])
        #expect(killed.status == 128 + SIGTERM)
        #expect(killed.stdout.isEmpty)
    }

    @Test("a timeout kills the process and throws")
    func timeout() throws {
        let start = ContinuousClock.now
        #expect(throws: TestSupportError.self) {
            try ExternalTool.run("sleep", ["30"], timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("a missing tool is one clear error naming it and the fix")
    func missingTool() {
        #expect(ExternalTool.which("imagespec-no-such-tool") == nil)
        let error = #expect(throws: TestSupportError.self) { try ExternalTool.run("imagespec-no-such-tool") }
        #expect(error?.message.contains("imagespec-no-such-tool") == true)
        #expect(error?.message.contains("scripts/setup.sh") == true)
    }

    @Test("the repository root and scripts are found from the source path")
    func environment() throws {
        #expect(FileManager.default.fileExists(atPath: TestEnvironment.repoRoot + "/Package.swift"))
        #expect(FileManager.default.isExecutableFile(atPath: TestEnvironment.script("registry.sh")))
        #expect(TestEnvironment.imagespecBinary.hasSuffix("/imagespec"))
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }
}
