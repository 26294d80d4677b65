import Foundation

/// Builds a tiny OCI image the way the rest of the world does — umoci from a small rootfs directory — and pushes
/// it with skopeo, for interop tests ("an image pushed by skopeo is inspected/copied by imagespec").
///
/// The rootfs is busybox-static (`/bin/busybox` + applet symlinks, `/bin/sh` runnable) when it is installed
/// (`scripts/setup.sh` installs it), else a few plain files. Each build is new content (fresh mtimes), so two
/// images never share a layer digest by accident.
public enum BaseImageFixture {
    /// How skopeo writes the manifest.
    public enum Format: String, Sendable {
        /// OCI image manifest (umoci's own output; no top-level `mediaType`).
        case oci
        /// Docker image manifest v2 schema 2 (`skopeo copy --format v2s2`).
        case dockerV2S2 = "v2s2"
    }

    /// Where busybox-static installs its binary.
    public static let busyboxPath = "/bin/busybox"

    /// Builds an OCI layout at `layoutPath` with one layer from `rootfs` (default: busybox or plain files), tagged
    /// `latest`. `extraFiles` (relative path → contents) are added to the rootfs first.
    public static func buildLayout(
        at layoutPath: String, rootfs: String? = nil, extraFiles: [String: String] = [:],
        architecture: String = "amd64"
    ) throws {
        _ = try ExternalTool.require("umoci")
        let scratch = try makeTemporaryDirectory(prefix: "imagespec-rootfs")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let root: String
        if let rootfs {
            root = rootfs
        } else {
            root = scratch + "/rootfs"
            try makeDefaultRootfs(at: root)
        }
        for (relative, contents) in extraFiles {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let rootless = getuid() == 0 ? [] : ["--rootless"]
        let image = layoutPath + ":latest"
        try ExternalTool.run("umoci", ["init", "--layout", layoutPath]).check()
        try ExternalTool.run("umoci", ["new", "--image", image]).check()
        try ExternalTool.run("umoci", ["insert"] + rootless + ["--image", image, root, "/"]).check()
        try ExternalTool.run(
            "umoci",
            [
                "config", "--image", image, "--os", "linux", "--architecture", architecture,
                "--config.env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--config.cmd", "/bin/sh", "--config.label", "org.imagespec.test=base",
            ]
        ).check()
        try ExternalTool.run("umoci", ["gc", "--layout", layoutPath]).check()
    }

    /// Builds an image and pushes it with skopeo to `registry` as `<repository>:<tag>` (with the fixture's
    /// credentials when it has auth). The layout is kept in the registry fixture's directory.
    @discardableResult
    public static func push(
        to registry: RegistryFixture, repository: String = "base/busybox", tag: String = "1",
        format: Format = .oci, extraFiles: [String: String] = [:], architecture: String = "amd64"
    ) async throws -> BaseImage {
        try await DedicatedThread.run {
            try pushBlocking(
                to: registry, repository: repository, tag: tag, format: format, extraFiles: extraFiles,
                architecture: architecture)
        }
    }

    private static func pushBlocking(
        to registry: RegistryFixture, repository: String, tag: String, format: Format, extraFiles: [String: String],
        architecture: String
    ) throws -> BaseImage {
        let layout = registry.directory + "/layouts/" + RegistryLauncher.randomHex(bytes: 6)
        try FileManager.default.createDirectory(
            atPath: (layout as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try buildLayout(at: layout, extraFiles: extraFiles, architecture: architecture)
        let reference = registry.reference(repository, tag: tag)
        let digestFile = layout + ".digest"
        var arguments = ["copy", "--retry-times", "2", "--dest-tls-verify=false", "--digestfile", digestFile]
        if let credentials = registry.credentials {
            arguments += ["--dest-creds", credentials]
        }
        if format == .dockerV2S2 {
            arguments += ["--format", "v2s2"]
        }
        arguments += ["oci:\(layout):latest", "docker://\(reference)"]
        try ExternalTool.run("skopeo", arguments, timeout: .seconds(120)).check()
        let digest = try String(contentsOfFile: digestFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard digest.hasPrefix("sha256:") else {
            throw TestSupportError("skopeo wrote no manifest digest to \(digestFile) for \(reference)")
        }
        return BaseImage(
            reference: reference, registryHost: registry.host, repository: repository, tag: tag,
            manifestDigest: digest,
            manifestMediaType: format == .oci
                ? "application/vnd.oci.image.manifest.v1+json"
                : "application/vnd.docker.distribution.manifest.v2+json",
            layoutPath: layout, hasBusybox: FileManager.default.isExecutableFile(atPath: busyboxPath),
            architecture: architecture)
    }

    /// Whether images get a busybox-static rootfs (else a few plain files).
    public static var busyboxAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: busyboxPath)
    }

    private static func makeDefaultRootfs(at root: String) throws {
        let fm = FileManager.default
        for directory in ["bin", "etc", "tmp", "root", "usr/bin"] {
            try fm.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        try "imagespec-test:x:0:0:root:/root:/bin/sh\n".write(
            toFile: root + "/etc/passwd", atomically: true, encoding: .utf8)
        try "NAME=imagespec-test-base\nID=imagespec-test\n".write(
            toFile: root + "/etc/os-release", atomically: true, encoding: .utf8)
        guard busyboxAvailable else {
            try "a tiny test image without busybox\n".write(
                toFile: root + "/README", atomically: true, encoding: .utf8)
            return
        }
        try fm.copyItem(atPath: busyboxPath, toPath: root + "/bin/busybox")
        let applets = try ExternalTool.run(busyboxPath, ["--list"]).check().stdout
        for applet in applets.split(separator: "\n").map(String.init) where !applet.isEmpty && applet != "busybox" {
            try fm.createSymbolicLink(atPath: root + "/bin/" + applet, withDestinationPath: "busybox")
        }
    }
}
