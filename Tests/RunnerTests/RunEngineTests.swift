import Foundation
import Layers
import OCI
import Runner
import TestSupport
import Testing

/// The run engine against busybox root file systems: overlay, namespaces, the upper → layer conversion.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: overlay + namespaces"))
struct RunEngineTests {
    let engine = RunEngine()

    func entries(_ result: RunResult) -> [String: LayerEntry] {
        Dictionary(uniqueKeysWithValues: result.layer.entries.map { ($0.path, $0) })
    }

    @Test func prerequisitesHold() throws {
        try RunEngine.checkPrerequisites()
    }

    @Test func changesBecomeALayerWithExactMetadataAndWhiteouts() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let hostData = fixture.directory + "/hostdata"
        try RunnerFixture.sh("mkdir -p \"$1\" && echo from-host > \"$1/hello\"", hostData)
        let command = """
            echo start-marker
            mkdir -p /data && echo hi > /data/x && ln /data/x /data/y && rm -rf /usr/share/doc && rm -rf /etc/app.d \
            && mkdir /etc/app.d && echo new > /etc/app.d/only && chown 1000:1000 /data/x && chmod 4755 /data/x
            mkdir -p /var/cache/apt && echo junk > /var/cache/apt/pkg.deb
            echo list > /var/lib/apt/lists/index
            mkdir -p /app/__pycache__ && echo pyc > /app/__pycache__/m.pyc
            echo scratch > /tmp/file
            cat /mnt/hostdata/hello
            """
        let scratch = fixture.scratch()
        let output = OutputLines()
        let result = try await engine.run(
            RunRequest(
                lowerDirectories: lowers, command: command, environment: ["PATH=/bin"],
                binds: [RunBind(source: hostData, target: "/mnt/hostdata", readOnly: true)],
                tmpfsMounts: ["/var/lib/apt/lists"], excludedPaths: ["var/cache/apt"], scratchDirectory: scratch),
            onOutput: output.append)
        #expect(output.lines == ["start-marker", "from-host"])
        #expect(result.outputTail == ["start-marker", "from-host"])
        #expect(result.changed)
        let byPath = entries(result)
        let x = try #require(byPath["data/x"])
        #expect(x.attributes?.mode == 0o4755)
        #expect(x.attributes?.uid == 1000 && x.attributes?.gid == 1000)
        #expect(byPath["data/y"]?.kind == .hardlink(target: "data/x"))
        #expect(byPath["usr/share/.wh.doc"] != nil)
        #expect(byPath["etc/app.d/.wh..wh..opq"] != nil)
        #expect(byPath["etc/app.d/only"] != nil)
        #expect(byPath["data/.wh..wh..opq"] == nil, "new directories need no opaque marker")
        for absent in [
            "var/cache/apt", "var/lib", "var/lib/apt", "mnt", "mnt/hostdata", "tmp", "tmp/file", "proc", "dev",
            "run", "etc/resolv.conf", "app/__pycache__",
        ] {
            #expect(byPath[absent] == nil, "\(absent) must not be in the layer")
        }
        #expect(!result.layer.entries.contains { $0.path.hasPrefix("var/cache/apt/") })
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)

        // Round trip: the layer written as gzip and read back by GNU tar.
        let blobs = fixture.directory + "/blobs"
        let blob = try LayerBuilder.buildBlocking(result.layer, options: LayerOptions(), blobsDirectory: blobs)
        let listing = try RunnerFixture.sh("tar --numeric-owner -tvzf \"$1\"", blob.path)
        #expect(listing.contains("-rwsr-xr-x 1000/1000"), "\(listing)")
        #expect(listing.contains("usr/share/.wh.doc"))
        #expect(listing.contains("etc/app.d/.wh..wh..opq"))
        #expect(listing.contains("data/y link to data/x"))

        // And applied on top of the base as the next lower layer, the change is visible to a later run.
        let next = try await fixture.store.materialise([
            RootfsLayer(diffID: blob.diffID, blobPath: blob.path, mediaType: blob.mediaType)
        ])
        let second = try await engine.run(
            RunRequest(
                lowerDirectories: lowers + next,
                command: "test \"$(cat /data/x)\" = hi && test ! -e /usr/share/doc && test \"$(ls /etc/app.d)\" = only",
                environment: ["PATH=/bin"], scratchDirectory: fixture.scratch()),
            onOutput: { _ in })
        #expect(!second.changed)
    }

    @Test func whiteoutsOfALowerLayerAreHonoured() async throws {
        let fixture = try RunnerFixture()
        let top = fixture.directory + "/top"
        try RunnerFixture.sh(
            "mkdir -p \"$1/etc\" \"$1/opt\" && : > \"$1/etc/.wh.gone\" && : > \"$1/opt/.wh..wh..opq\" "
                + "&& echo new > \"$1/opt/new\"", top)
        let lowers = try await fixture.store.materialise([
            try fixture.layer(try fixture.baseTree()), try fixture.layer(top, gzip: false),
        ])
        let result = try await engine.run(
            RunRequest(
                lowerDirectories: lowers,
                command: "test ! -e /etc/gone && test -e /opt/new && test ! -e /opt/old && test -e /etc/kept",
                environment: ["PATH=/bin"], scratchDirectory: fixture.scratch()),
            onOutput: { _ in })
        #expect(!result.changed, "nothing written: \(result.layer.entries.map(\.path))")
        #expect(result.layer.entries.isEmpty)
    }

    @Test func aFailingCommandReportsItsStatusAndOutput() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let scratch = fixture.scratch()
        let error = await #expect(throws: RunError.self) {
            try await engine.run(
                RunRequest(
                    lowerDirectories: lowers, command: "echo before-failure; echo to-stderr >&2; exit 3",
                    environment: ["PATH=/bin"], scratchDirectory: scratch),
                onOutput: { _ in })
        }
        #expect(error?.kind == .commandFailed(status: 3))
        #expect(error?.outputTail == ["before-failure", "to-stderr"])
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)
    }

    @Test func anImageWithoutAShellIsRefused() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree(shell: false))])
        let scratch = fixture.scratch()
        let error = await #expect(throws: RunError.self) {
            try await engine.run(
                RunRequest(lowerDirectories: lowers, command: "true", scratchDirectory: scratch), onOutput: { _ in })
        }
        #expect(error?.kind == .noShell)
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)
    }

    @Test func aTimeoutKillsEveryProcessOfTheRun() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let scratch = fixture.scratch()
        let started = ContinuousClock.now
        let error = await #expect(throws: RunError.self) {
            try await engine.run(
                RunRequest(
                    lowerDirectories: lowers, command: "sleep 7345 & sleep 100", environment: ["PATH=/bin"],
                    timeout: .seconds(1), scratchDirectory: scratch),
                onOutput: { _ in })
        }
        #expect(error?.kind == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)
        #expect(RunnerFixture.processes(withCommandLine: ["sleep", "7345"]).isEmpty)
        #expect(RunnerFixture.processes(withCommandLine: ["sleep", "100"]).isEmpty)
    }

    @Test func backgroundProcessesDieWithTheCommand() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let started = ContinuousClock.now
        let result = try await engine.run(
            RunRequest(
                lowerDirectories: lowers, command: "sleep 7346 & echo left-behind", environment: ["PATH=/bin"],
                scratchDirectory: fixture.scratch()),
            onOutput: { _ in })
        #expect(result.outputTail == ["left-behind"])
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(RunnerFixture.processes(withCommandLine: ["sleep", "7346"]).isEmpty)
    }

    @Test func cancellingTheTaskKillsTheRun() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let scratch = fixture.scratch()
        let engine = self.engine
        let task = Task {
            try await engine.run(
                RunRequest(
                    lowerDirectories: lowers, command: "sleep 7347", environment: ["PATH=/bin"],
                    scratchDirectory: scratch),
                onOutput: { _ in })
        }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        let outcome = await task.result
        guard case .failure(let error as RunError) = outcome else {
            Issue.record("the run was not cancelled: \(outcome)")
            return
        }
        #expect(error.kind == .cancelled)
        #expect(try RunnerFixture.mounts(mentioning: scratch).isEmpty)
        #expect(RunnerFixture.processes(withCommandLine: ["sleep", "7347"]).isEmpty)
    }

    @Test func theEnvironmentIsExactlyTheRequestedOne() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        let output = OutputLines()
        _ = try await engine.run(
            RunRequest(
                lowerDirectories: lowers, command: "env",
                environment: ["PATH=/bin", "FOO=bar baz", "SSL_CERT_FILE=/x"],
                scratchDirectory: fixture.scratch()),
            onOutput: output.append)
        // The shell itself adds PWD/SHLVL; nothing else may appear.
        let seen = Set(output.lines.filter { !$0.hasPrefix("PWD=") && !$0.hasPrefix("SHLVL=") })
        var expected: Set = ["PATH=/bin", "FOO=bar baz", "SSL_CERT_FILE=/x"]
        if FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt")
            || FileManager.default.fileExists(atPath: "/etc/pki/tls/certs/ca-bundle.crt")
        {
            for variable in ["CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "PIP_CERT"] {
                expected.insert("\(variable)=/run/imagespec/ca-certificates.crt")
            }
        }
        #expect(seen == expected)
    }

    @Test func workingDirectoryAndUserAreHonoured() async throws {
        let fixture = try RunnerFixture()
        let lowers = try await fixture.store.materialise([try fixture.layer(try fixture.baseTree())])
        for (user, expected) in [("1000", ["1000", "1000", "/etc"]), ("user:staff", ["1000", "50", "/etc"])] {
            let output = OutputLines()
            _ = try await engine.run(
                RunRequest(
                    lowerDirectories: lowers, command: "id -u; id -g; pwd", environment: ["PATH=/bin"],
                    workingDirectory: "/etc", user: user, scratchDirectory: fixture.scratch()),
                onOutput: output.append)
            #expect(output.lines == expected, "user \(user)")
        }
        let error = await #expect(throws: RunError.self) {
            try await engine.run(
                RunRequest(
                    lowerDirectories: lowers, command: "true", user: "nobody-here",
                    scratchDirectory: fixture.scratch()),
                onOutput: { _ in })
        }
        #expect(error?.kind == .unknownUser)
    }
}
