import Foundation
import OCI
import Runner
import Synchronization
import TestSupport

/// A temporary directory with a layer store and busybox root file systems packed as layer blobs.
final class RunnerFixture: Sendable {
    let directory: String
    let store: RootfsStore

    init() throws {
        directory = try makeTemporaryDirectory(prefix: "runner-test")
        store = RootfsStore(root: directory + "/store")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The busybox applets the tests use, as symlinks in /bin.
    static let applets = [
        "sh", "echo", "mkdir", "rm", "chmod", "chown", "test", "cat", "env", "id", "sleep", "ls", "uname", "true",
        "pwd", "ln", "sort", "printf",
    ]

    /// A tiny root: busybox + applets, /etc/passwd with root and user 1000, files under usr/share/doc, etc/app.d, opt.
    func baseTree(shell: Bool = true) throws -> String {
        let root = directory + "/base-\(UUID().uuidString.prefix(8))"
        var script = """
            set -e
            mkdir -p "$1/bin" "$1/etc/app.d" "$1/usr/share/doc/pkg" "$1/opt" "$1/var/cache" "$1/home/user"
            printf 'root:x:0:0:root:/root:/bin/sh\\nuser:x:1000:1000::/home/user:/bin/sh\\n' > "$1/etc/passwd"
            printf 'root:x:0:\\nuser:x:1000:\\nstaff:x:50:\\n' > "$1/etc/group"
            echo doc > "$1/usr/share/doc/pkg/README"
            echo a > "$1/etc/app.d/a.conf"; echo b > "$1/etc/app.d/b.conf"
            echo kept > "$1/etc/kept"; echo gone > "$1/etc/gone"; echo old > "$1/opt/old"
            """
        if shell {
            script += "\ncp /bin/busybox \"$1/bin/busybox\"\n"
            for applet in Self.applets {
                script += "ln -s busybox \"$1/bin/\(applet)\"\n"
            }
        }
        try Self.sh(script, root)
        return root
    }

    /// Packs `tree` as a tar (gzip-compressed unless `gzip` is false) and returns it as a layer with its diff_id.
    func layer(_ tree: String, gzip: Bool = true, wrongDiffID: Bool = false) throws -> RootfsLayer {
        let tar = directory + "/layer-\(UUID().uuidString.prefix(8)).tar"
        try Self.sh("tar --numeric-owner --sort=name -cf \"$1\" -C \"$2\" .", tar, tree)
        let hex = String(try Self.sh("sha256sum \"$1\"", tar).prefix(64))
        var blob = tar
        if gzip {
            try Self.sh("gzip -n \"$1\"", tar)
            blob = tar + ".gz"
        }
        let diffID = try Digest("sha256:" + (wrongDiffID ? String(repeating: "ab", count: 32) : hex))
        return RootfsLayer(
            diffID: diffID, blobPath: blob,
            mediaType: gzip
                ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar")
    }

    /// A fresh scratch directory path (not created).
    func scratch() -> String {
        directory + "/scratch-\(UUID().uuidString.prefix(8))"
    }

    /// Runs `script` with /bin/sh (arguments are `$1`, `$2`, …) and returns standard output; fails on non-zero exit.
    @discardableResult
    static func sh(_ script: String, _ arguments: String...) throws -> String {
        try ExternalTool.run("/bin/sh", ["-c", script, "sh"] + arguments).check().stdout
    }

    /// Lines of /proc/self/mountinfo that mention `path`.
    static func mounts(mentioning path: String) throws -> [String] {
        try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
            .map(String.init).filter { $0.contains(path) }
    }

    /// Process ids whose command line is exactly `words`.
    static func processes(withCommandLine words: [String]) -> [String] {
        let wanted = words.joined(separator: "\0") + "\0"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data, as: UTF8.self) == wanted
        }
    }
}

/// Collects output lines from the engine's callback.
final class OutputLines: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}
