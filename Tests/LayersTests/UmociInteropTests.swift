import Foundation
import OCI
import Testing

@testable import Layers

/// umoci unpacks an OCI layout whose only layer we built, with its own (strict) tar and path handling.
@Suite struct UmociInteropTests {
    /// Stores `data` as a blob of the layout and returns its descriptor.
    func putBlob(_ data: Data, mediaType: String, layout: String) throws -> Descriptor {
        let digest = Digest.sha256(data)
        try data.write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + digest.encoded))
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
    }

    @Test(arguments: [LayerCompression.gzip(), .none])
    func umociUnpacksTheLayer(_ compression: LayerCompression) throws {
        let scratch = try Scratch()
        let tree = try makeAwkwardTree(in: scratch)
        let layout = scratch.path + "/layout"
        let blob = try LayerBuilder.buildBlocking(
            try LayerSource(directory: tree), options: LayerOptions(compression: compression),
            blobsDirectory: layout + "/blobs")
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs") == ["sha256"])

        let config = """
            {"architecture":"amd64","os":"linux","config":{},\
            "rootfs":{"type":"layers","diff_ids":["\(blob.diffID)"]}}
            """
        let configDescriptor = try putBlob(Data(config.utf8), mediaType: MediaType.ociConfig, layout: layout)
        let manifest = """
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",\
            "config":{"mediaType":"\(MediaType.ociConfig)","digest":"\(configDescriptor.digest)",\
            "size":\(configDescriptor.size)},\
            "layers":[{"mediaType":"\(blob.mediaType)","digest":"\(blob.digest)","size":\(blob.size)}]}
            """
        let manifestDescriptor = try putBlob(Data(manifest.utf8), mediaType: MediaType.ociManifest, layout: layout)
        let index = """
            {"schemaVersion":2,"manifests":[{"mediaType":"\(MediaType.ociManifest)",\
            "digest":"\(manifestDescriptor.digest)","size":\(manifestDescriptor.size),\
            "annotations":{"org.opencontainers.image.ref.name":"latest"}}]}
            """
        try Data(index.utf8).write(to: URL(fileURLWithPath: layout + "/index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: layout + "/oci-layout"))

        let bundle = scratch.path + "/bundle"
        try sh("umoci unpack --image \"$1:latest\" \"$2\" >/dev/null", layout, bundle)
        try sh("diff -r --no-dereference \"$1\" \"$2\"", tree, bundle + "/rootfs")
        let mode = try sh("stat -c %a \"$1\"", bundle + "/rootfs/bin/tool").stdout
        #expect(mode == "755\n")
    }
}
