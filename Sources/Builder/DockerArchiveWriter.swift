import Foundation
import Layers
import OCI
import Registry
import Support

/// Writes one built image as a tarball `docker load` and `podman load` accept: `manifest.json` (config, repo tag,
/// layers) with the config and the compressed layers under `blobs/sha256/`, as current `docker save` lays them out.
struct DockerArchiveWriter: Sendable {
    let client: RegistryClient
    let cache: LayerCache

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

    func write(_ image: BuiltImage, to path: String, name: String) async throws(BuildError) {
        let store = BlobStore(directory: cache.blobsDirectory)
        let scratch = path + ".imagespec-tmp"
        try? FileManager.default.removeItem(atPath: scratch)
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw BuildError(.destination, "cannot create \(scratch): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var items: [LayerSourceItem] = []
        var layerPaths: [String] = []
        for layer in image.base.manifest.layers {
            let source = try await store.fetch(layer, from: image.base.platformManifest.reference, client: client)
            let inside = "blobs/sha256/" + layer.digest.encoded
            items.append(LayerSourceItem(source: source, destination: inside))
            layerPaths.append(inside)
        }
        for layer in image.layers {
            let inside = "blobs/sha256/" + layer.blob.digest.encoded
            if !layerPaths.contains(inside) {
                items.append(LayerSourceItem(source: layer.blob.path, destination: inside))
            }
            layerPaths.append(inside)
        }
        let configInside = "blobs/sha256/" + image.image.config.digest.encoded
        let entry = ManifestEntry(config: configInside, repoTags: [name], layers: layerPaths)
        do {
            try image.image.config.bytes.write(to: URL(fileURLWithPath: scratch + "/config.json"))
            try CanonicalJSON.encode([entry]).write(to: URL(fileURLWithPath: scratch + "/manifest.json"))
        } catch {
            throw BuildError(.destination, "cannot write into \(scratch): \(error.localizedDescription)")
        }
        items.append(LayerSourceItem(source: scratch + "/config.json", destination: configInside))
        items.append(LayerSourceItem(source: scratch + "/manifest.json", destination: "manifest.json"))
        var unique: [String: LayerSourceItem] = [:]
        for item in items { unique[item.destination] = item }
        let archive = scratch + "/archive.tar"
        do {
            let source = try LayerSource(items: unique.values.sorted { $0.destination < $1.destination })
            let descriptor = open(archive, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else {
                throw LayerError(.io, "cannot create \(archive): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            let writer = try TarWriter(mtime: 0) { (chunk) throws(LayerError) in
                if let code = POSIXIO.writeAll(descriptor, UnsafeRawBufferPointer(chunk)) {
                    throw LayerError(.io, "writing \(archive): \(String(cString: strerror(code)))")
                }
            }
            for entry in source.entries {
                try writer.append(entry)
            }
            try writer.finish()
        } catch let error as LayerError {
            throw BuildError(.destination, "docker-archive \(path): \(error.message)")
        } catch {
            throw BuildError(.destination, "docker-archive \(path): \(error)")
        }
        guard rename(archive, path) == 0 else {
            throw BuildError(.destination, "cannot move the archive to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
