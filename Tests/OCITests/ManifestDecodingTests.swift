import Foundation
import Testing

@testable import OCI

@Suite("Manifest decoding")
struct ManifestDecodingTests {
    @Test(
        "Docker manifest list with a BuildKit attestation entry",
        arguments: [
            MediaType.dockerManifestList, "application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8",
            "application/json", nil,
        ])
    func dockerManifestList(contentType: String?) throws {
        let manifest = try Manifest.decode(Data(Fixtures.dockerManifestList.utf8), contentType: contentType)
        let index = try #require(manifest.imageIndex)
        #expect(manifest.mediaType == MediaType.dockerManifestList)
        #expect(index.manifests.count == 3)
        #expect(index.manifests[2].isAttestation)
        #expect(index.imageManifests.count == 2)
        #expect(index.platforms.map(\.description) == ["linux/amd64", "linux/arm64/v8"])
        #expect(index.manifest(for: .linuxAMD64)?.digest.description == Fixtures.digest("a"))
        #expect(index.manifest(for: .linuxARM64)?.digest.description == Fixtures.digest("b"))
        #expect(index.manifest(for: try Platform("linux/aarch64"))?.digest.description == Fixtures.digest("b"))
        #expect(index.manifest(for: .unknown) == nil)
        #expect(index.manifest(for: try Platform("linux/s390x")) == nil)
    }

    @Test func ociIndexSkipsAnnotatedAttestations() throws {
        let manifest = try Manifest.decode(Data(Fixtures.ociIndex.utf8), contentType: MediaType.ociIndex)
        let index = try #require(manifest.imageIndex)
        #expect(index.annotations?["org.opencontainers.image.ref.name"] == "v1")
        // The first linux/amd64 entry is an attestation: the image entry after it is chosen.
        #expect(index.manifest(for: .linuxAMD64)?.digest.description == Fixtures.digest("e"))
        #expect(index.manifest(for: try Platform("linux/arm"))?.digest.description == Fixtures.digest("f"))
        #expect(index.manifest(for: try Platform("linux/armhf"))?.digest.description == Fixtures.digest("f"))
        #expect(index.manifest(for: try Platform("linux/arm/v6")) == nil)
        #expect(index.platforms.count == 3)
    }

    @Test(
        "umoci-style OCI manifest without mediaType",
        arguments: [
            MediaType.ociManifest, "application/vnd.oci.image.manifest.v1+json;charset=utf-8", "text/plain", nil,
        ])
    func umociManifest(contentType: String?) throws {
        let manifest = try Manifest.decode(Data(Fixtures.umociManifest.utf8), contentType: contentType)
        let image = try #require(manifest.imageManifest)
        #expect(image.mediaType == nil)
        #expect(image.effectiveMediaType == MediaType.ociManifest)
        #expect(image.config.mediaType == MediaType.ociConfig)
        #expect(image.layers.map(\.size) == [1234])
        #expect(manifest.references.map(\.digest.description) == [Fixtures.digest("2"), Fixtures.digest("3")])
        // Re-encoding leaves mediaType out, as in the source.
        let encoded = String(decoding: try CanonicalJSON.encode(manifest), as: UTF8.self)
        #expect(!encoded.contains("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""))
    }

    @Test func indexShapeWithoutAnyMediaType() throws {
        let json = #"{"schemaVersion":2,"manifests":[]}"#
        let manifest = try Manifest.decode(Data(json.utf8), contentType: nil)
        #expect(manifest.imageIndex?.manifests.isEmpty == true)
        #expect(manifest.mediaType == MediaType.ociIndex)
    }

    @Test func dockerManifestDecodes() throws {
        let manifest = try Manifest.decode(Data(Fixtures.dockerManifest.utf8), contentType: nil)
        let image = try #require(manifest.imageManifest)
        #expect(image.isDocker)
        #expect(image.layers.count == 2)
        #expect(image.config.digest.description == Fixtures.digest("4"))
    }

    /// (JSON, Content-Type, phrase the one-line error must contain)
    static let rejected: [(String, String?, String)] = [
        (Fixtures.schema1, nil, "Docker schema 1 is deprecated"),
        (Fixtures.schema1, MediaType.dockerManifestSchema1Signed, "Docker schema 1"),
        (
            #"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v1+json"}"#, nil,
            "Docker schema 1"
        ),
        (Fixtures.umociManifest, MediaType.ociIndex, "invalid image index: missing field \"manifests\""),
        (
            Fixtures.dockerManifest, MediaType.dockerManifestList,
            "Content-Type is application/vnd.docker.distribution.manifest.list.v2+json but the manifest's mediaType"
        ),
        (
            #"{"schemaVersion":2,"config":{"mediaType":"x","size":1},"layers":[]}"#, nil,
            "invalid image manifest: missing field \"config.digest\""
        ),
        (
            #"{"schemaVersion":2,"config":{"mediaType":"x","size":1,"digest":"\#(Fixtures.digest("a"))"},"#
                + #""layers":[{"mediaType":"x","size":1,"digest":"sha256:abc"}]}"#, nil,
            "field \"layers[0].digest\": invalid digest \"sha256:abc\""
        ),
        (
            #"{"schemaVersion":2,"config":{"mediaType":"x","size":"big","digest":"\#(Fixtures.digest("a"))"},"#
                + #""layers":[]}"#, nil, "field \"config.size\" has the wrong type, expected an integer"
        ),
        (#"{"schemaVersion":3,"manifests":[]}"#, nil, "schemaVersion is 3, expected 2"),
        (
            #"{"schemaVersion":2}"#, "application/octet-stream",
            "media type application/octet-stream, and neither a \"manifests\" nor a \"config\" field"
        ),
        ("<html>not found</html>", "text/html", "invalid manifest: not valid JSON"),
        ("", nil, "invalid manifest: not valid JSON"),
        ("[]", nil, "invalid manifest: the top-level value has the wrong type, expected an object"),
        (
            #"{"schemaVersion":2,"manifests":{}}"#, nil,
            "invalid image index: field \"manifests\" has the wrong type, expected an array"
        ),
        (
            #"{"schemaVersion":2,"manifests":null}"#, nil,
            "invalid image index: field \"manifests\" is null, expected an array"
        ),
    ]

    @Test("rejects bad manifests with one clear line", arguments: rejected)
    func rejects(_ json: String, _ contentType: String?, _ phrase: String) {
        do {
            let manifest = try Manifest.decode(Data(json.utf8), contentType: contentType)
            Issue.record("expected an error, got \(manifest)")
        } catch {
            #expect(error.message.contains(phrase), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func manifestCodableDecodesByShape() throws {
        let index = try JSONDecoder().decode(Manifest.self, from: Data(Fixtures.ociIndex.utf8))
        #expect(index.imageIndex != nil)
        let image = try JSONDecoder().decode(Manifest.self, from: Data(Fixtures.dockerManifest.utf8))
        #expect(image.imageManifest != nil)
    }
}
