import Foundation
import TestSupport
import Testing

/// Bad input for `imagespec copy` (and the shared options): each case exits 2 with ONE line on standard error
/// naming the thing that is wrong, and the destination tag does not exist afterwards.
@Suite("copy: bad input", .timeLimit(.minutes(5)))
struct CopyBadInputTests {
    /// One bad-input case.
    struct Case: CustomStringConvertible {
        let name: String
        /// Arguments after `imagespec`; `SRC`, `DST`, `DOWN` and `TARGET` are replaced.
        let arguments: [String]
        /// What the error line must mention (after replacement).
        let mentions: [String]
        /// The docker config.json to use: nil = valid credentials for the target.
        var dockerConfig: String? = nil
        /// Extra environment.
        var environment: [String: String] = [:]
        /// Helper scripts to install (name → script).
        var helpers: [String: String] = [:]
        /// Whether the destination tag can be checked afterwards (false when DST itself is unusable).
        var checkTarget = true

        var description: String { name }
    }

    static let garbageHelper = "#!/bin/sh\nread server\necho 'this is not JSON'\n"
    static let credentialsDir = "SANDBOX"

    static let cases: [Case] = [
        Case(name: "malformed source reference", arguments: ["copy", "Bad/Upper:1", "DST"], mentions: ["Bad/Upper"]),
        Case(
            name: "malformed destination reference", arguments: ["copy", "SRC", "TARGET/x:bad:tag"],
            mentions: ["x:bad:tag"], checkTarget: false),
        Case(
            name: "unknown host", arguments: ["copy", "nonexistent.invalid/a/b:1", "DST"],
            mentions: ["nonexistent.invalid"]),
        Case(name: "source registry down", arguments: ["copy", "DOWN/a/b:1", "DST"], mentions: ["DOWN"]),
        Case(
            name: "destination registry down", arguments: ["copy", "SRC", "DOWN/a/b:1"], mentions: ["DOWN"],
            checkTarget: false),
        Case(
            name: "wrong credentials", arguments: ["copy", "SRC", "DST"], mentions: ["TARGET"],
            dockerConfig:
                #"{"auths":{"TARGET":{"auth":"\#(Data("imagespec:wrong-password".utf8).base64EncodedString())"}}}"#),
        Case(
            name: "missing credential helper", arguments: ["copy", "SRC", "DST"],
            mentions: ["docker-credential-imagespec-absent"],
            dockerConfig: #"{"credHelpers":{"TARGET":"imagespec-absent"}}"#),
        Case(
            name: "credential helper printing garbage", arguments: ["copy", "SRC", "DST"],
            mentions: ["docker-credential-imagespec-garbage"],
            dockerConfig: #"{"credHelpers":{"TARGET":"imagespec-garbage"}}"#,
            helpers: ["imagespec-garbage": garbageHelper]),
        Case(
            name: "corrupt config.json", arguments: ["copy", "SRC", "DST"], mentions: ["config.json"],
            dockerConfig: #"{"auths": {"#),
        Case(
            name: "corrupt registries.conf from the environment", arguments: ["copy", "SRC", "DST"],
            mentions: ["broken-registries.conf"],
            environment: ["IMAGESPEC_REGISTRIES_CONF": "SANDBOX/broken-registries.conf"]),
        Case(
            name: "corrupt registries.conf from --registries-conf",
            arguments: ["copy", "SRC", "DST", "--registries-conf", "SANDBOX/broken-registries.conf"],
            mentions: ["broken-registries.conf"]),
        Case(
            name: "missing --registries-conf file",
            arguments: ["copy", "SRC", "DST", "--registries-conf", "SANDBOX/absent.conf"],
            mentions: ["absent.conf"]),
        Case(
            name: "malformed --insecure-registry",
            arguments: ["copy", "SRC", "DST", "--insecure-registry", "http://x"],
            mentions: ["http://x"]),
        Case(
            name: "malformed --platform", arguments: ["copy", "SRC", "DST", "--platform", "linux"],
            mentions: ["linux"]),
        Case(
            name: "--platform and --all-platforms together",
            arguments: ["copy", "SRC", "DST", "--platform", "linux/amd64", "--all-platforms"],
            mentions: ["--all-platforms"]),
        Case(
            name: "platform the source does not have", arguments: ["copy", "SRC", "DST", "--platform", "linux/s390x"],
            mentions: ["linux/s390x"]),
        Case(name: "source tag that does not exist", arguments: ["copy", "SRC-MISSING", "DST"], mentions: ["nope"]),
    ]

    @Test("each bad input: exit 2, one line naming it, destination tag absent", arguments: cases)
    func badInput(_ testCase: Case) async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start(auth: .basic)
        defer { target.stop() }
        let down = try await RegistryFixture.start()
        let downHost = down.host
        down.stop()
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: source, repository: "bad/src", tag: "1")
        try sandbox.write("broken-registries.conf", "[[registry]]\nprefix = \"x\"\nlocation = [unterminated\n")

        func substitute(_ text: String) -> String {
            text.replacingOccurrences(of: "SRC-MISSING", with: source.reference("bad/src", tag: "nope"))
                .replacingOccurrences(of: "SRC", with: base.reference)
                .replacingOccurrences(of: "DST", with: target.reference("bad/dst", tag: "t"))
                .replacingOccurrences(of: "DOWN", with: downHost)
                .replacingOccurrences(of: "TARGET", with: target.host)
                .replacingOccurrences(of: "SANDBOX", with: sandbox.root)
        }
        try sandbox.writeDockerConfig(substitute(testCase.dockerConfig ?? target.dockerConfigJSON()))
        for (name, script) in testCase.helpers {
            try sandbox.writeCredentialHelper(name, script: script)
        }
        let environment = testCase.environment.mapValues(substitute)

        let result = try await CLI.run(testCase.arguments.map(substitute), in: sandbox, environment: environment)
        #expect(result.status == 2, "\(testCase): \(result.stdout) \(result.stderr)")
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "\(testCase): \(result.stderr)")
        for mention in testCase.mentions.map(substitute) {
            #expect(result.stderr.contains(mention), "\(testCase): \(result.stderr) should name \(mention)")
        }
        let password = try #require(target.password)
        #expect(!result.stderr.contains(password) && !result.stdout.contains(password))
        if testCase.checkTarget {
            let status = try await Oracle.manifestStatus(
                host: target.host, repository: "bad/dst", tag: "t", creds: target.credentials)
            #expect(status == 404, "\(testCase): the destination tag exists after a failed copy")
        }
    }

    @Test("a source blob whose bytes do not match its digest: exit 2 naming the digest, no tag at the destination")
    func corruptSourceBlob() async throws {
        let source = try await RegistryFixture.start()
        defer { source.stop() }
        let target = try await RegistryFixture.start()
        defer { target.stop() }
        let sandbox = try CLISandbox()
        defer { sandbox.remove() }
        let base = try await BaseImageFixture.push(to: source, repository: "bad/corrupt", tag: "1")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: await Oracle.rawManifest(base.reference)) as? [String: Any])
        let layer = try #require((manifest["layers"] as? [[String: Any]])?.first?["digest"] as? String)
        let hex = String(layer.dropFirst("sha256:".count))
        // The registry serves blob files as stored: flip bytes in place, keeping the size.
        let path = source.storagePath + "/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in stride(from: bytes.count / 2, to: min(bytes.count, bytes.count / 2 + 64), by: 1) {
            bytes[index] ^= 0xFF
        }
        try bytes.write(to: URL(fileURLWithPath: path))

        let result = try await CLI.run(["copy", base.reference, target.reference("bad/dst", tag: "t")], in: sandbox)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(CLI.errorLines(result).count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(hex))
        #expect(try await Oracle.manifestStatus(host: target.host, repository: "bad/dst", tag: "t") == 404)
        // The verified download never reached the destination.
        #expect(
            try await Oracle.blobStatus(host: target.host, repository: "bad/dst", digest: layer) == 404)
        // The scratch directory (under $TMPDIR = the sandbox) is gone, partial download included.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.root)
            .filter { $0.hasPrefix("imagespec-copy") }
        #expect(leftovers.isEmpty)
    }
}
