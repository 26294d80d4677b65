import Builder
import Foundation
import OCI
import Spec
import TestSupport
import Testing

/// `pip_secret_mounts`: the mapping of targets to uv's variables, and an end-to-end install from a wheel server that
/// demands basic auth, where the credentials (a netrc) and the index settings (a uv.toml) are secrets whose bytes
/// must appear in no layer, config or manifest.
@Suite(.serialized) struct SecretMountTests {
    static let targets: [(String, SecretMount.Use?)] = [
        ("/root/.netrc", .netrc), ("~/.netrc", .netrc), ("/home/flytekit/_netrc", .netrc),
        ("/etc/uv/uv.toml", .uvConfig), ("/root/.config/uv/uv.toml", .uvConfig),
        ("/etc/pip.conf", nil), ("/root/.pip/pip.conf", nil), ("/run/secrets/token", nil),
    ]

    @Test(arguments: targets)
    func targetsMapToUvVariables(target: String, use: SecretMount.Use?) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "x\n".write(toFile: directory + "/secret", atomically: true, encoding: .utf8)
        let mounts = [PipSecretMount(source: "secret", target: target)]
        if let use {
            let planned = try SecretMount.plan(mounts, workingDirectory: directory)
            #expect(planned == [SecretMount(source: directory + "/secret", target: target, use: use)])
        } else {
            let error = #expect(throws: BuildError.self) {
                try SecretMount.plan(mounts, workingDirectory: directory)
            }
            #expect(error?.kind == .unsupportedField)
            #expect(error?.message.hasPrefix("pip_secret_mounts target \(target)") == true)
        }
    }

    @Test func missingSourceAndDuplicateVariableAreErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = #expect(throws: BuildError.self) {
            try SecretMount.plan(
                [PipSecretMount(source: "nope", target: "/root/.netrc")], workingDirectory: directory)
        }
        #expect(
            missing?.message == "pip_secret_mounts source \(directory)/nope (for /root/.netrc) is not a readable "
                + "file — fix the path")
        try "x\n".write(toFile: directory + "/a", atomically: true, encoding: .utf8)
        let twice = #expect(throws: BuildError.self) {
            try SecretMount.plan(
                [PipSecretMount(source: "a", target: "/root/.netrc"), PipSecretMount(source: "a", target: "~/.netrc")],
                workingDirectory: directory)
        }
        #expect(twice?.message.contains("both set NETRC") == true)
    }

    /// A wheel directory served over HTTP on loopback, answering 401 without the right basic credentials.
    final class AuthWheelServer {
        let process: Process
        let port: Int

        init(directory: String, user: String, password: String, scratch: String) throws {
            let script = """
                import base64, functools, http.server, sys
                expected = "Basic " + base64.b64encode(sys.argv[2].encode()).decode()
                class Handler(http.server.SimpleHTTPRequestHandler):
                    def check(self):
                        if self.headers.get("Authorization") == expected:
                            return True
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", 'Basic realm="wheels"')
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return False
                    def do_GET(self):
                        if self.check(): super().do_GET()
                    def do_HEAD(self):
                        if self.check(): super().do_HEAD()
                    def log_message(self, *args):
                        pass
                server = http.server.ThreadingHTTPServer(
                    ("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
                with open(sys.argv[3] + ".tmp", "w") as f:
                    f.write(str(server.server_address[1]))
                import os; os.rename(sys.argv[3] + ".tmp", sys.argv[3])
                server.serve_forever()
                """
            let portFile = scratch + "/port"
            process = Process()
            process.executableURL = URL(fileURLWithPath: try ExternalTool.require("python3"))
            process.arguments = ["-c", script, directory, "\(user):\(password)", portFile]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(10)
            while !FileManager.default.fileExists(atPath: portFile) && ContinuousClock.now < deadline {
                usleep(20_000)
            }
            guard let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) else {
                kill(process.processIdentifier, SIGKILL)
                throw TestSupportError("the wheel server did not start")
            }
            self.port = port
        }

        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func secretsAreUsedForTheInstallAndAreInNoLayer() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let password = "pw-" + UUID().uuidString
        let marker = "marker-" + UUID().uuidString
        let server = try AuthWheelServer(
            directory: setup.directory + "/wheels", user: "imagespec", password: password, scratch: setup.directory)
        defer { server.stop() }
        let secrets = setup.directory + "/secrets"
        try FileManager.default.createDirectory(atPath: secrets, withIntermediateDirectories: true)
        try "machine 127.0.0.1\nlogin imagespec\npassword \(password)\n".write(
            toFile: secrets + "/netrc", atomically: true, encoding: .utf8)
        try "# \(marker)\nno-index = true\nfind-links = [\"http://127.0.0.1:\(server.port)/\"]\n".write(
            toFile: secrets + "/uv.toml", atomically: true, encoding: .utf8)
        func spec(_ mounts: String) -> String {
            """
            name: secret-img
            registry: \(setup.registry.host)/acme
            base_image: \(setup.base)
            packages: [hello_pkg]
            pip_secret_mounts: \(mounts)
            """
        }
        let options = try BuilderTestSupport.options(in: setup.directory)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)

        // Without the netrc the server refuses uv, and the error shows no secret.
        let refused = try BuildPlan(
            try BuilderTestSupport.loadSpec(spec("[[secrets/uv.toml, /etc/uv/uv.toml]]"), in: setup.directory),
            options: options)
        let error = await #expect(throws: BuildError.self) {
            _ = try await builder.run(refused, destination: .registry(try #require(refused.target)))
        }
        #expect(error?.kind == .installFailed)
        #expect(error?.message.contains(password) == false)

        let plan = try BuildPlan(
            try BuilderTestSupport.loadSpec(
                spec("[[secrets/netrc, /root/.netrc], [secrets/uv.toml, /etc/uv/uv.toml]]"), in: setup.directory),
            options: options)
        let report = try await builder.run(plan, destination: .registry(try #require(plan.target)))
        let packages = Set(report.platforms.flatMap { $0.layers.flatMap { $0.packages ?? [] } })
        #expect(packages == ["hello-pkg==1.0", "dep-pkg==1.1", "flytekit==0.0.1"])

        // Every blob of the pushed image, layers decompressed, holds neither secret.
        let layout = setup.directory + "/pulled"
        try await ExternalTool.runAsync(
            "skopeo", ["copy", "-q", "--src-tls-verify=false", "docker://\(plan.imageName)", "oci:\(layout):image"]
        ).check()
        let blobs = try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs/sha256")
        let platform = try #require(report.platforms.first)
        #expect(blobs.count == platform.layers.count + 2)  // layers, config, manifest
        let needles = [Data(password.utf8), Data(marker.utf8)]
        for name in blobs {
            let path = layout + "/blobs/sha256/" + name
            var content = try Data(contentsOf: URL(fileURLWithPath: path))
            if content.starts(with: [0x1F, 0x8B]) {
                content = try ExternalTool.run("gzip", ["-dc", path]).check().stdoutData
                #expect(content.count >= 1024)
            }
            for needle in needles {
                #expect(content.range(of: needle) == nil, "secret found in blob \(name)")
            }
        }
        let image = try await UnpackedImage.unpack("oci:\(layout):image", into: setup.directory + "/check")
        #expect(try image.run("hello-cli").check().stdout == "hello-cli says 42\n")
    }
}
