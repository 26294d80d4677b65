import Foundation
import TestSupport

/// A PEP 503 "simple" package index on 127.0.0.1: `<directory>/simple/<normalised name>/<files>` served by Python's
/// `http.server` (its directory listings are valid project pages for uv and Poetry). Stopped by PID.
final class PackageIndex: @unchecked Sendable {
    /// The served directory.
    let directory: String
    /// `http://127.0.0.1:PORT/simple`.
    let url: String
    private let process: Process

    /// Serves `directory` (created if needed) on a free loopback port.
    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/simple", withIntermediateDirectories: true)
        let script = """
            import functools, http.server, sys
            class Quiet(http.server.SimpleHTTPRequestHandler):
                def log_message(self, *args): pass
            server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ExternalTool.require("python3"))
        process.arguments = ["-c", script, directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // Children inherit the spawning thread's signal mask, and test threads block SIGTERM: clear it for the spawn.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw TestSupportError("the package index server did not start")
        }
        self.process = process
        url = "http://127.0.0.1:\(port)/simple"
    }

    /// Moves every file of the flat directory `files` into its project's directory of the index.
    func add(filesIn files: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: files).sorted() {
            let project = String(name.prefix { $0 != "-" }).lowercased().replacingOccurrences(of: "_", with: "-")
            let target = directory + "/simple/" + project
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: files + "/" + name, toPath: target + "/" + name)
        }
    }

    /// Stops the server (by its PID).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
