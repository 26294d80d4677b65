import Foundation
import OCI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Content-addressed unpacked layers under ``root`` (`<root>/<diff_id hex>`), each unpacked once and reused across
/// builds, in overlayfs lower-directory format.
///
/// OCI whiteouts `.wh.NAME` become character devices 0:0; `.wh..wh..opq` becomes the xattrs
/// `trusted.overlay.opaque=y` and `user.overlay.opaque=y` on the directory (the second one for overlays mounted with
/// `userxattr` in a user namespace). The uncompressed stream's sha256 is checked against the diff_id while it is
/// unpacked; on a mismatch nothing is recorded. A layer is unpacked into a temporary directory next to its final
/// place and renamed there, so concurrent builds sharing the store are safe (the first rename wins).
///
/// GNU tar does the extraction as root with its defaults: it refuses members with `..`, strips a leading `/`, and
/// delays symlinks that are absolute or contain `..` until the end, so no member can be written through a symlink
/// to outside the directory. Its exit status is checked.
public final class RootfsStore: Sendable {
    /// The store directory.
    public let root: String

    /// Creates a store at `root` (created on first use).
    public init(root: String) {
        self.root = root
    }

    /// Unpacks the layers that are not in the store yet and returns their directories, in the same (bottom-first)
    /// order.
    ///
    /// - Throws: ``RunError`` `.corruptLayer` for a blob that does not unpack or whose content is not its diff_id,
    ///   `.missingTool` when tar or the decompressor is missing, `.io` for file system failures.
    public func materialise(_ layers: [RootfsLayer]) async throws(RunError) -> [String] {
        var directories: [String] = []
        for layer in layers {
            try Task.checkCancellation(or: "unpacking layers")
            let directory = root + "/" + layer.diffID.encoded
            if try Posix.status(directory)?.isDirectory != true {
                try await OffloadedWork.run { () throws(RunError) in
                    try self.unpack(layer, into: directory)
                }
            }
            directories.append(directory)
        }
        return directories
    }

    /// Extracts `layer` into a temporary directory, verifies it and renames it to `directory`.
    private func unpack(_ layer: RootfsLayer, into directory: String) throws(RunError) {
        guard layer.diffID.algorithm == "sha256" else {
            throw RunError(
                .corruptLayer, "layer \(layer.diffID) does not use sha256; only sha256 diff_ids are supported")
        }
        try Posix.makeDirectories(root)
        let temporary =
            "\(root)/.unpack-\(layer.diffID.encoded.prefix(16))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try Posix.makeDirectories(temporary + "/tree")
        defer { Posix.removeTree(temporary) }
        let tree = temporary + "/tree"
        chmod(tree, 0o755)

        let digest = try extract(layer, into: tree, logDirectory: temporary)
        if digest != layer.diffID {
            throw RunError(
                .corruptLayer,
                "layer blob \(layer.blobPath) unpacks to \(digest), not its diff_id \(layer.diffID); "
                    + "the blob is corrupt or belongs to another layer: fetch it again")
        }
        try LowerDirectoryFormat.convertWhiteouts(in: tree)
        if rename(tree, directory) != 0 {
            let code = errno
            // Another build got there first: its copy is identical (same diff_id).
            if (code == EEXIST || code == ENOTEMPTY), try Posix.status(directory)?.isDirectory == true { return }
            throw RunError(.io, "cannot move the unpacked layer to \(directory): \(Posix.errorText(code))")
        }
    }

    /// Streams the blob through the decompressor, sha256 and `tar -x`; returns the digest of the tar stream.
    private func extract(_ layer: RootfsLayer, into tree: String, logDirectory: String) throws(RunError) -> Digest {
        let blob = open(layer.blobPath, O_RDONLY | O_CLOEXEC)
        if blob < 0 {
            throw RunError(.io, "cannot open layer blob \(layer.blobPath): \(Posix.errorText(errno))")
        }
        defer { close(blob) }
        guard let tar = Posix.findTool("tar") else {
            throw RunError(.missingTool, "tar not found: install GNU tar")
        }
        let decompressor: [String]?
        if layer.mediaType.contains("zstd") {
            guard let zstd = Posix.findTool("zstd") else {
                throw RunError(.missingTool, "zstd not found: install zstd to unpack \(layer.mediaType) layers")
            }
            decompressor = [zstd, "-dc"]
        } else if layer.mediaType.contains("gzip") {
            guard let gzip = Posix.findTool("pigz") ?? Posix.findTool("gzip") else {
                throw RunError(.missingTool, "gzip not found: install gzip to unpack \(layer.mediaType) layers")
            }
            decompressor = [gzip, "-dc"]
        } else if layer.mediaType.hasSuffix("tar") || !layer.mediaType.contains("+") {
            decompressor = nil
        } else {
            throw RunError(.corruptLayer, "layer media type \(layer.mediaType) is not supported; use gzip, zstd or tar")
        }

        let errors = open(logDirectory + "/errors", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if errors < 0 { throw RunError(.io, "cannot create \(logDirectory)/errors: \(Posix.errorText(errno))") }
        defer { close(errors) }
        let environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]

        var source = blob
        var decompressing: ChildProcess?
        var decompressedRead: Int32 = -1
        if let decompressor {
            let pipe = try Posix.pipe()
            do {
                decompressing = try ChildProcess.spawn(
                    decompressor[0], Array(decompressor.dropFirst()), environment: environment,
                    fileDescriptors: [0: blob, 1: pipe.write, 2: errors])
            } catch {
                close(pipe.read)
                close(pipe.write)
                throw error
            }
            close(pipe.write)
            decompressedRead = pipe.read
            source = pipe.read
        }
        defer { if decompressedRead >= 0 { close(decompressedRead) } }

        let toTar = try Posix.pipe()
        let extracting: ChildProcess
        do {
            extracting = try ChildProcess.spawn(
                tar,
                [
                    "-x", "-f", "-", "-C", tree, "--numeric-owner", "--same-owner", "--same-permissions", "--xattrs",
                    "--xattrs-include=*",
                ], environment: environment, fileDescriptors: [0: toTar.read, 1: errors, 2: errors])
        } catch {
            close(toTar.read)
            close(toTar.write)
            decompressing?.kill(SIGKILL)
            _ = decompressing?.wait()
            throw error
        }
        close(toTar.read)

        var hasher = DigestHasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var readError: Int32 = 0
        var tarGone = false
        pump: while true {
            let count = read(source, buffer.baseAddress!, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                readError = errno
                break
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(chunk)
            if tarGone { continue }  // keep hashing so the digest error, if any, is the one reported
            var offset = 0
            while offset < count {
                let written = write(toTar.write, chunk.baseAddress! + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    tarGone = true  // EPIPE: tar stopped early; its status says why
                    continue pump
                }
                offset += written
            }
        }
        close(toTar.write)
        let tarStatus = extracting.wait()
        let decompressorStatus = decompressing?.wait()
        let log = (Posix.readText(logDirectory + "/errors") ?? "")
            .split(separator: "\n").suffix(3).joined(separator: "; ")
        if readError != 0 {
            throw RunError(.io, "cannot read layer blob \(layer.blobPath): \(Posix.errorText(readError))")
        }
        if let decompressorStatus, decompressorStatus != .exited(0) {
            throw RunError(
                .corruptLayer,
                "layer blob \(layer.blobPath) does not decompress as \(layer.mediaType) (\(log)); fetch it again")
        }
        if tarStatus != .exited(0) {
            throw RunError(
                .corruptLayer,
                "layer blob \(layer.blobPath) (\(layer.diffID)) does not unpack: tar says \(log)")
        }
        return hasher.finalize()
    }
}
