import Foundation
import Testing

@testable import OCI

@Suite("Docker ⇄ OCI conversion")
struct ConversionTests {
    @Test func dockerToOCIKeepsDigestsAndSizes() throws {
        let docker = try #require(
            try Manifest.decode(Data(Fixtures.dockerManifest.utf8), contentType: nil).imageManifest)
        let oci = docker.convertedToOCI()
        #expect(oci.mediaType == MediaType.ociManifest)
        #expect(oci.config.mediaType == MediaType.ociConfig)
        #expect(oci.layers.map(\.mediaType) == [MediaType.ociLayerGzip, MediaType.ociLayerGzip])
        #expect(oci.config.digest == docker.config.digest)
        #expect(oci.layers.map(\.digest) == docker.layers.map(\.digest))
        #expect(oci.layers.map(\.size) == docker.layers.map(\.size))
        #expect(!oci.isDocker)

        // And back again, identical to the original.
        #expect(try oci.convertedToDocker() == docker)
        #expect(try oci.converted(toOCI: false) == docker)
        #expect(try docker.converted(toOCI: true) == oci)
    }

    @Test func umociManifestToOCISetsMediaType() throws {
        let umoci = try #require(
            try Manifest.decode(Data(Fixtures.umociManifest.utf8), contentType: nil).imageManifest)
        #expect(umoci.convertedToOCI().mediaType == MediaType.ociManifest)
        #expect(umoci.convertedToOCI().layers == umoci.layers)
    }

    @Test func zstdLayersCannotBecomeDocker() throws {
        let layer = Descriptor(mediaType: MediaType.ociLayerZstd, digest: Digest.sha256(Data("l".utf8)), size: 1)
        let config = Descriptor(mediaType: MediaType.ociConfig, digest: Digest.sha256(Data("c".utf8)), size: 1)
        let manifest = ImageManifest(config: config, layers: [layer])
        let error = #expect(throws: OCIError.self) { try manifest.convertedToDocker() }
        #expect(error?.message.contains("layers[0] media type \(MediaType.ociLayerZstd)") == true)
    }

    @Test func artifactsCannotBecomeDocker() throws {
        let config = Descriptor(mediaType: MediaType.ociEmpty, digest: Digest.sha256(Data("{}".utf8)), size: 2)
        let manifest = ImageManifest(artifactType: "application/vnd.example+json", config: config, layers: [])
        #expect(throws: OCIError.self) { try manifest.convertedToDocker() }
    }

    static let equivalents: [(String, String?)] = [
        (MediaType.ociManifest, MediaType.dockerManifest),
        (MediaType.ociIndex, MediaType.dockerManifestList),
        (MediaType.ociConfig, MediaType.dockerConfig),
        (MediaType.ociLayerGzip, MediaType.dockerLayerGzip),
        (MediaType.ociLayer, MediaType.dockerLayer),
        (MediaType.ociLayerZstd, nil),
    ]

    @Test("media type equivalents", arguments: equivalents)
    func mediaTypeEquivalents(_ oci: String, _ docker: String?) {
        #expect(MediaType.dockerEquivalent(of: oci) == docker)
        if let docker {
            #expect(MediaType.ociEquivalent(of: docker) == oci)
            #expect(MediaType.dockerEquivalent(of: docker) == docker)
        }
        #expect(MediaType.ociEquivalent(of: oci) == oci)
    }

    @Test func acceptListCoversEveryManifestType() {
        let accept = Set(MediaType.manifestAccept)
        #expect(
            accept == [
                MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest,
                MediaType.dockerManifestList,
            ])
        #expect(MediaType.manifestAccept.allSatisfy { MediaType.isIndex($0) || MediaType.isImageManifest($0) })
        #expect(MediaType.isLayer(MediaType.dockerLayerGzip) && MediaType.isLayer(MediaType.ociLayerZstd))
        #expect(!MediaType.isLayer(MediaType.ociConfig))
        #expect(MediaType.essence(" Application/JSON ; charset=utf-8") == "application/json")
    }
}
