import Foundation
import Layers
import OCI
import Registry
import Support

/// An ``Registry/ImageSink`` writing one image as a tarball `docker load` and `podman load` accept, as current
/// `docker save` lays it out: `manifest.json` (config, repo tag, layers) with the config and the compressed layers
/// under `blobs/sha256/`.
///
/// Blobs are staged in `FILE.imagespec-tmp/` (hardlinked when possible); the archive is written when the top
/// manifest arrives and renamed to `FILE` (to the file a symbolic link `FILE` points to, never over the link), and
/// the staging directory is removed. A FIFO, a character device and `-`
/// (standard output) are written as a stream instead (blobs then stage in `$TMPDIR`), so
/// `docker-archive:/dev/stdout | podman load` works and a device is never replaced; any other kind of file that
/// exists at `FILE` (a directory, a socket, a block device) is refused. A docker archive holds one image: an index
/// (or any child manifest) is refused. Call ``discard()`` when a copy into it fails.
public struct DockerArchiveSink: ImageSink {
    /// The archive file.
    public let path: String
    /// The name in `RepoTags` (`repository:tag`), if any.
    public let name: String?
    /// How the archive reaches ``path``.
    public let target: DockerArchiveTarget
    /// Where the archive is written: ``path``, or for a symbolic link to a file the file it points to.
    let destination: String
    let scratch: String
    let blobs: LocalBlobs

    private struct ManifestEntry: Encodable {
        var config: String
        var repoTags: [String]
        var layers: [String]

        enum CodingKeys: String, CodingKey {
            case config = "Config"
            case repoTags = "RepoTags"
            case layers = "Layers"
        }
    }

    /// Prepares writing the archive `path` naming the image `name`.
    public init(path: String, name: String?) throws(RegistryError) {
        self.path = path
        self.name = name
        target = try DockerArchiveTarget(path: path)
        destination = target == .file ? DockerArchiveTarget.replaceablePath(path) : path
        if target == .file {
            scratch = destination + ".imagespec-tmp"
            try? FileManager.default.removeItem(atPath: scratch)
        } else {
            scratch = try Self.makeTemporaryDirectory()
        }
        blobs = try LocalBlobs(directory: scratch + "/blobs")
    }

    /// Creates `$TMPDIR/imagespec-archive.XXXXXX` (the staging directory of a streamed archive).
    static func makeTemporaryDirectory() throws(RegistryError) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/imagespec-archive.XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard created else {
            throw RegistryError.io(
                path: base, operation: "create a temporary directory", reason: String(cString: strerror(errno)))
        }
        return String(cString: template)
    }

    /// `docker-archive:FILE` (`docker-archive:FILE:NAME` with a name).
    public var description: String {
        name.map { "docker-archive:\(path):\($0)" } ?? "docker-archive:\(path)"
    }

    /// Removes the staging directory (after a failed copy; a finished archive removes it itself).
    public func discard() {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// See ``Registry/ImageSink/ensureBlob(_:from:)``.
    public func ensureBlob(_ descriptor: Descriptor, from source: BlobSource) async throws(RegistryError)
        -> BlobPlacement
    {
        try await blobs.ensure(descriptor, from: source)
    }

    /// See ``Registry/ImageSink/putChild(_:descriptor:)``.
    public func putChild(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        throw Self.onlyOneImage(descriptor)
    }

    /// See ``Registry/ImageSink/putTop(_:descriptor:)``.
    public func putTop(_ bytes: Data, descriptor: Descriptor) async throws(RegistryError) -> String {
        guard case .image(let manifest)? = try? Manifest.decode(bytes, contentType: descriptor.mediaType) else {
            throw Self.onlyOneImage(descriptor)
        }
        defer { discard() }
        let configInside = "blobs/sha256/" + manifest.config.digest.encoded
        let layers = manifest.layers.map { "blobs/sha256/" + $0.digest.encoded }
        let entry = ManifestEntry(config: configInside, repoTags: name.map { [$0] } ?? [], layers: layers)
        do {
            try CanonicalJSON.encode([entry]).write(to: URL(fileURLWithPath: scratch + "/manifest.json"))
        } catch {
            throw RegistryError.io(path: scratch, operation: "write manifest.json", reason: "\(error)")
        }
        var items = [LayerSourceItem(source: scratch + "/manifest.json", destination: "manifest.json")]
        for inside in Set(layers + [configInside]).sorted() {
            items.append(LayerSourceItem(source: scratch + "/" + inside, destination: inside))
        }
        let archive = target == .file ? scratch + "/archive.tar" : path
        do {
            let source = try LayerSource(items: items.sorted { $0.destination < $1.destination })
            let descriptor = try target.openForWriting(archive)
            defer { if target != .standardOutput { close(descriptor) } }
            let writer = try TarWriter(mtime: 0) { (chunk) throws(LayerError) in
                if let code = POSIXIO.writeAll(descriptor, UnsafeRawBufferPointer(chunk)) {
                    throw LayerError(.io, "writing \(archive): \(String(cString: strerror(code)))")
                }
            }
            for entry in source.entries {
                try writer.append(entry)
            }
            try writer.finish()
        } catch {
            throw RegistryError(kind: .io, message: "\(error)", isTemporary: false)
        }
        guard target == .file else { return name ?? descriptor.digest.description }
        guard rename(archive, destination) == 0 else {
            throw RegistryError.io(
                path: path, operation: "move the archive into place", reason: String(cString: strerror(errno)))
        }
        return name ?? descriptor.digest.description
    }

    /// See ``Registry/ImageSink/pinned(to:)``.
    public func pinned(to digest: Digest) -> String { description }

    static func onlyOneImage(_ descriptor: Descriptor) -> RegistryError {
        RegistryError(
            kind: .invalidResponse,
            message: "a docker archive holds one image, but \(descriptor.digest) (\(descriptor.mediaType)) is not an "
                + "image manifest — choose one platform",
            isTemporary: false)
    }
}
