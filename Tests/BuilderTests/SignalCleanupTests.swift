import Builder
import Foundation
import Synchronization
import TestSupport
import Testing

/// SIGTERM, SIGINT and SIGKILL of the imagespec binary at each stage of a build: afterwards no process of the
/// killed run is left (uv included), no scratch directory is left (at once after SIGTERM/SIGINT; after SIGKILL once
/// the next build swept it), every cached blob still has its digest, and a rerun in the same cache gives the digest of
/// a clean build.
///
/// Each run is tagged by its own cache directory, which every process it starts has in its environment
/// (`IMAGESPEC_TEST_RUN`, inherited by every descendant) and uv also on its command line (its `--target` is below it);
/// the stages are held open by a loopback server that stalls, or by a large file to compress.
@Suite(.serialized) struct SignalCleanupTests {
    /// Where the killed build is when the signal arrives.
    enum Stage: String, CaseIterable, CustomStringConvertible {
        /// Right after the process started.
        case start
        /// uv is installing (its package index stalls).
        case install
        /// The base image is being downloaded (its registry stalls).
        case download
        /// The layers are being compressed (a large random file is copied into the image).
        case compress
        /// The image is being pushed (the destination registry stalls).
        case push

        var description: String { rawValue }
    }

    /// The hermetic build (BuildPushTests' setup) plus a loopback server that serves the wheels as a find-links page
    /// (stalling while `stallIndex` is set) and stalls every registry request (`/v2/…`) until the test ends.
    final class Setup: Sendable {
        let build: BuildPushTests.Setup
        let server: FakeHTTPServer
        let stallIndex = Flag()
        let released = Flag()
        let binary: String

        init() async throws {
            binary = try TestEnvironment.requireImagespecBinary()
            build = try await BuildPushTests.Setup.make()
            let wheels = build.directory + "/wheels"
            let stallIndex = self.stallIndex
            let released = self.released
            server = try await FakeHTTPServer.start { request in
                let isRegistry = request.path.hasPrefix("/v2")
                while isRegistry || stallIndex.isSet {
                    if released.isSet { break }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                if isRegistry { return .registryError(503, code: "UNAVAILABLE", message: "stalled") }
                let names = (try? FileManager.default.contentsOfDirectory(atPath: wheels).sorted()) ?? []
                let file = String(request.path.dropFirst("/wheels/".count))
                if !file.isEmpty, names.contains(file),
                    let data = FileManager.default.contents(atPath: wheels + "/" + file)
                {
                    return FakeResponse(body: data)
                }
                let links = names.map { "<a href=\"/wheels/\($0)\">\($0)</a>" }.joined(separator: "\n")
                return .text(200, "<html><body>\n\(links)\n</body></html>\n", headers: [("Content-Type", "text/html")])
            }
        }

        /// The spec: BuildPushTests' image, its wheels found through the stalling server; `base` overrides the base,
        /// `big` adds a 96 MB random file.
        func spec(base: String? = nil, big: Bool = false) -> String {
            """
            name: hello
            registry: \(build.registry.host)/acme
            base_image: \(base ?? build.base)
            packages: [hello_pkg, "dep_pkg==1.0"]
            pip_extra_args: --no-index --find-links \(server.baseURL)/wheels/
            env: {GREETING: "hi there"}
            copy: [src, notes.txt\(big ? ", big.bin" : "")]
            """
        }

        func stop() async {
            released.set(true)
            stallIndex.set(false)
            await server.shutdown()
            build.stop()
        }

        var environment: [String: String] {
            var environment = BuilderTestSupport.uvEnvironment(cache: build.directory + "/uv-cache")
            environment["SOURCE_DATE_EPOCH"] = "0"
            environment["UV_HTTP_TIMEOUT"] = "300"
            return environment
        }

        /// Builds `spec` into `oci:<cache>/out`; returns the digest.
        func cleanBuild(spec: String, cache: String) async throws -> String {
            let path = build.directory + "/spec-\(UUID().uuidString).yaml"
            try spec.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await ExternalTool.runAsync(
                binary,
                [
                    "build", path, "--quiet", "--cache-dir", cache, "--output", "oci:\(cache)-out",
                    "--flytekit-version",
                    "0.0.1",
                ],
                environment: environment
            ).check()
            return try #require(result.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .newlines) })
        }
    }

    /// A boolean shared with the server's handler.
    final class Flag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        func set(_ new: Bool) { value.withLock { $0 = new } }
    }

    /// Everything a child writes to a pipe, read on a thread of its own.
    final class Collected: Sendable {
        private let data = Mutex(Data())
        private let ended = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            let thread = Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    data.withLock { $0.append(chunk) }
                }
                ended.signal()
            }
            thread.start()
        }

        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }

        /// The whole output, once the writer closed the pipe.
        func waitForEnd() -> String {
            ended.wait()
            return text
        }
    }

    /// The processes other than this one whose command line or environment mentions `marker`.
    static func processes(mentioning marker: String) -> [String] {
        let own = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var found: [String] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != own else { continue }
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") ?? Data()
            let text = String(decoding: command + environment, as: UTF8.self)
            // A zombie has neither: it was reaped by nobody yet but runs nothing.
            if text.contains(marker) {
                found.append(
                    "\(pid): " + String(decoding: command, as: UTF8.self).replacingOccurrences(of: "\0", with: " "))
            }
        }
        return found
    }

    /// Waits up to `limit` for `condition`.
    static func wait(upTo limit: Duration, for condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try condition()
    }

    /// The scratch directories left in `cache`.
    static func scratch(in cache: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache + "/tmp")) ?? []).filter { $0.hasPrefix("build.") }
    }

    /// Every blob of the cache whose bytes do not have the digest it is named by.
    static func corruptBlobs(in cache: String) throws -> [String] {
        let directory = cache + "/blobs/sha256"
        var corrupt: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.count == 64 && name.allSatisfy(\.isHexDigit) {
            let sum = try ExternalTool.run("sha256sum", [directory + "/" + name]).check().stdout
            if !sum.hasPrefix(name) { corrupt.append(name) }
        }
        return corrupt
    }

    static let cases: [(Stage, Int32)] = [
        (.start, SIGTERM), (.start, SIGKILL),
        (.install, SIGTERM), (.install, SIGINT), (.install, SIGKILL),
        (.download, SIGTERM), (.download, SIGKILL),
        (.push, SIGINT), (.push, SIGKILL),
        (.compress, SIGTERM), (.compress, SIGKILL),
    ]

    @Test func signalLeavesNoChildNoScratchAndAReusableCache() async throws {
        let setup = try await Setup()
        try ExternalTool.run(
            "dd", ["if=/dev/urandom", "of=\(setup.build.directory)/big.bin", "bs=1M", "count=96", "status=none"]
        ).check()
        var clean: [Bool: String] = [:]
        for big in [false, true] {
            clean[big] = try await setup.cleanBuild(
                spec: setup.spec(big: big), cache: setup.build.directory + "/clean-cache-\(big)")
        }
        for (stage, signal) in Self.cases {
            try await check(stage: stage, signal: signal, setup: setup, clean: clean[stage == .compress]!)
        }
        await setup.stop()
    }

    func check(stage: Stage, signal: Int32, setup: Setup, clean: String) async throws {
        let label = "\(stage)/\(String(cString: strsignal(signal)))"
        let cache = setup.build.directory + "/cache-\(stage)-\(signal)"
        let spec = setup.build.directory + "/spec-\(stage)-\(signal).yaml"
        var arguments = ["build", spec, "--cache-dir", cache, "--flytekit-version", "0.0.1"]
        if stage != .compress { arguments.append("--quiet") }  // compress waits for the "building" step line
        switch stage {
        case .start, .install:
            try setup.spec().write(toFile: spec, atomically: true, encoding: .utf8)
            arguments += ["--output", "oci:\(cache)-out"]
        case .download:
            try setup.spec(base: "\(setup.server.host)/base:1").write(toFile: spec, atomically: true, encoding: .utf8)
            arguments += ["--output", "oci:\(cache)-out"]
        case .push:
            try setup.spec().write(toFile: spec, atomically: true, encoding: .utf8)
            arguments += ["--output", "docker://\(setup.server.host)/acme/hello:killed"]
        case .compress:
            try setup.spec(big: true).write(toFile: spec, atomically: true, encoding: .utf8)
            arguments += ["--output", "oci:\(cache)-out"]
        }
        setup.stallIndex.set(stage == .install)
        let registryRequests = { setup.server.requests.filter { $0.path.hasPrefix("/v2") }.count }
        let requestsBefore = registryRequests()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: setup.binary)
        process.arguments = arguments
        // Tag every descendant (uv's own children too) through the environment it inherits.
        process.environment = setup.environment.merging(["IMAGESPEC_TEST_RUN": cache]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        let stderrText = Collected(errors.fileHandleForReading)
        process.standardOutput = FileHandle.nullDevice
        // Children inherit the spawning thread's signal mask, and test threads block SIGTERM: clear it for the spawn.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()

        // Hold until the stage is reached (uv is running with its target in the cache; the stalled server saw the
        // request), then signal.
        let reached: Bool
        switch stage {
        case .start:
            reached = true
        case .install:
            reached = await Self.wait(upTo: .seconds(120)) {
                Self.processes(mentioning: cache).contains { $0.contains("pip install") }
            }
        case .download, .push:
            reached = await Self.wait(upTo: .seconds(120)) { registryRequests() > requestsBefore }
        case .compress:
            reached = await Self.wait(upTo: .seconds(120)) { stderrText.text.contains("layer(s)") }
        }
        #expect(reached, "\(label): the build never reached the stage")
        if stage == .download || stage == .push {
            // The handler records a request once it arrived; give the build a moment to be waiting on it.
            try await Task.sleep(for: .milliseconds(200))
        }
        kill(process.processIdentifier, signal)
        let exited = await Self.wait(upTo: .seconds(30)) { !process.isRunning }
        #expect(exited, "\(label): imagespec still runs 30 s after the signal")
        if !exited { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = stderrText.waitForEnd()
        #expect(process.terminationStatus != 0, "\(label): \(stderr)")
        if signal != SIGKILL && stage != .start {
            // One error line (after the step lines, when they are printed).
            let errorLines = stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
            #expect(errorLines.count == 1, "\(label): \(stderr)")
            #expect(stage == .compress || stderr.split(separator: "\n").count == 1, "\(label): \(stderr)")
            #expect(errorLines.first?.contains("cancelled") == true, "\(label): \(stderr)")
        }

        // No process of the run is left: imagespec's children die with it, whatever the signal.
        let orphansGone = await Self.wait(upTo: .seconds(5)) { Self.processes(mentioning: cache).isEmpty }
        #expect(orphansGone, "\(label): left running: \(Self.processes(mentioning: cache))")
        if signal != SIGKILL {
            #expect(Self.scratch(in: cache).isEmpty, "\(label): scratch left: \(Self.scratch(in: cache))")
        }
        #expect(try Self.corruptBlobs(in: cache).isEmpty, "\(label): corrupt cache blobs")

        // The next build in the same cache sweeps what a SIGKILL left and gives the clean digest.
        setup.stallIndex.set(false)
        let digest = try await setup.cleanBuild(spec: setup.spec(big: stage == .compress), cache: cache)
        #expect(digest == clean, "\(label): the rerun gave another digest")
        #expect(Self.scratch(in: cache).isEmpty, "\(label): scratch left after the rerun: \(Self.scratch(in: cache))")
        #expect(try Self.corruptBlobs(in: cache).isEmpty, "\(label): corrupt cache blobs after the rerun")
    }
}
