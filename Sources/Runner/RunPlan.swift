import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A checked request turned into the `unshare` command line, with the scratch directory prepared.
struct RunPlan {
    /// Host CA bundles, first existing one wins.
    static let caBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
    /// Where the CA bundle appears inside the root.
    static let caTarget = "/run/imagespec/ca-certificates.crt"
    /// Variables pointed at ``caTarget`` unless the request sets them.
    static let caVariables = ["SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "PIP_CERT"]

    let unshare: String
    let arguments: [String]
    let environment: [String]
    let upper: String
    let excluded: Set<String>
    let shortCommand: String
    /// `/dev/null` opened for the child's standard input; the engine closes it after spawning.
    let nullInput: Int32

    init(_ request: RunRequest) throws(RunError) {
        #if !os(Linux)
            throw RunError(.notLinux, "running commands in images needs Linux (overlayfs and namespaces)")
        #endif
        guard let unshare = Posix.findTool("unshare"), let chroot = Posix.findTool("chroot") else {
            throw RunError(.missingTool, "unshare or chroot not found: install util-linux and coreutils")
        }
        guard !request.lowerDirectories.isEmpty else {
            throw RunError(.invalidRequest, "a run needs at least one lower directory (materialise the base image)")
        }
        for lower in request.lowerDirectories {
            guard lower.hasPrefix("/"), try Posix.status(lower)?.isDirectory == true else {
                throw RunError(.invalidRequest, "lower directory \(lower) is not an existing absolute directory")
            }
        }
        let scratch = request.scratchDirectory
        guard scratch.hasPrefix("/"), !scratch.contains(",") && !scratch.contains(":") else {
            throw RunError(
                .invalidRequest, "scratch directory \(scratch) must be absolute and contain no `,` or `:`")
        }
        guard request.workingDirectory.hasPrefix("/") else {
            throw RunError(.invalidRequest, "working directory \(request.workingDirectory) must be absolute")
        }
        for entry in request.environment {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex, !entry.hasPrefix("-") else {
                throw RunError(.invalidRequest, "environment entry \"\(entry)\" is not KEY=VALUE")
            }
        }
        var mounts: [String] = []
        for bind in request.binds {
            try Self.checkTarget(bind.target)
            guard FileManager.default.fileExists(atPath: bind.source) else {
                throw RunError(.invalidRequest, "bind source \(bind.source) does not exist")
            }
            mounts += ["bind", bind.source, bind.target, bind.readOnly ? "ro" : "rw"]
        }
        for target in request.tmpfsMounts {
            try Self.checkTarget(target)
            mounts += ["tmpfs", target]
        }

        // Scratch layout: upper, work, merged, l/<n> → lower directories; no result files of an earlier run.
        for name in ["upper", "work", "merged", "l"] {
            try Posix.makeDirectories(scratch + "/" + name)
        }
        for name in ["status", "created", "started"] {
            unlink(scratch + "/" + name)
        }
        for (index, lower) in request.lowerDirectories.enumerated() {
            let link = "\(scratch)/l/\(index)"
            unlink(link)
            if symlink(lower, link) != 0 {
                throw RunError(.io, "cannot create \(link): \(Posix.errorText(errno))")
            }
        }
        let lowerOption = request.lowerDirectories.indices.reversed().map(String.init).joined(separator: ":")

        var commandEnvironment = request.environment
        let ca = Self.caBundles.first { FileManager.default.fileExists(atPath: $0) }
        if ca != nil {
            let present = Set(request.environment.map { String($0.prefix { $0 != "=" }) })
            for variable in Self.caVariables where !present.contains(variable) {
                commandEnvironment.append("\(variable)=\(Self.caTarget)")
            }
        }

        let namespaces = ["--mount", "--pid", "--uts", "--ipc", "--fork", "--kill-child", "--propagation", "private"]
        let overlayExtra = ""
        arguments = namespaces + ["/bin/sh", "-c", RunScript.text, "sh"] + mounts + ["--"] + commandEnvironment
        environment = [
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
            "IS_SCRATCH=\(scratch)", "IS_LOWER=\(lowerOption)", "IS_OVERLAY_EXTRA=\(overlayExtra)",
            "IS_CHROOT=\(chroot)", "IS_WORKDIR=\(request.workingDirectory)", "IS_COMMAND=\(request.command)",
            "IS_USER=\(request.user ?? "")", "IS_CA=\(ca ?? "")",
            "IS_RESOLV=\(FileManager.default.fileExists(atPath: "/etc/resolv.conf") ? "/etc/resolv.conf" : "")",
            "IS_EMULATOR=\(request.emulator?.registration ?? "")", "IS_SCRIPT=\(RunScript.text)",
        ]
        self.unshare = unshare
        upper = scratch + "/upper"
        excluded = Set(
            request.excludedPaths.map { path in
                path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
            }.filter { !$0.isEmpty })
        let firstLine = request.command.split(separator: "\n").first.map(String.init) ?? ""
        shortCommand = firstLine.count > 60 ? String(firstLine.prefix(57)) + "..." : firstLine
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null < 0 {
            throw RunError(.io, "cannot open /dev/null: \(Posix.errorText(errno))")
        }
        nullInput = null
    }

    /// A mount target must be absolute, below `/`, without `..`.
    static func checkTarget(_ target: String) throws(RunError) {
        let parts = target.split(separator: "/")
        guard target.hasPrefix("/"), !parts.isEmpty, !parts.contains(".."), !parts.contains(".") else {
            throw RunError(.invalidRequest, "mount target \(target) must be an absolute path without `.` or `..`")
        }
    }
}
