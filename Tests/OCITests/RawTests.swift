import Foundation
import Testing

@testable import OCI

@Suite("Raw")
struct RawTests {
    @Test func digestIsOfTheExactBytes() throws {
        // Pretty-printed bytes: re-encoding would give different bytes and a different digest.
        let bytes = Data(Fixtures.dockerManifestList.utf8)
        let raw = try Raw<Manifest>(manifestBytes: bytes, contentType: MediaType.dockerManifestList + "; charset=utf-8")
        #expect(raw.bytes == bytes)
        #expect(raw.digest == Digest.sha256(bytes))
        #expect(raw.mediaType == MediaType.dockerManifestList)
        #expect(raw.size == Int64(bytes.count))
        #expect(raw.descriptor == Descriptor(mediaType: raw.mediaType, digest: raw.digest, size: raw.size))
        #expect(raw.digest != Digest.sha256(try CanonicalJSON.encode(raw.value)))

        let expected = try run("/usr/bin/sha256sum", ["-"], input: bytes).prefix(64)
        #expect(raw.digest.encoded == expected)
    }

    @Test func encodingUsesCanonicalJSON() throws {
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(Fixtures.dockerConfig.utf8))
        let raw = try Raw(encoding: config, mediaType: MediaType.ociConfig)
        #expect(raw.bytes == (try CanonicalJSON.encode(config)))
        #expect(raw.digest == Digest.sha256(raw.bytes))
        let decoded = try Raw<ImageConfig>(decoding: raw.bytes, mediaType: MediaType.ociConfig)
        #expect(decoded == raw)
    }

    @Test func manifestMediaTypeFallsBackToTheManifest() throws {
        let raw = try Raw<Manifest>(manifestBytes: Data(Fixtures.umociManifest.utf8), contentType: "text/plain")
        #expect(raw.mediaType == MediaType.ociManifest)
        let encoded = try Raw(encoding: Manifest.image(raw.value.imageManifest!.convertedToOCI()))
        #expect(encoded.mediaType == MediaType.ociManifest)
        #expect(try Manifest.decode(encoded.bytes, contentType: encoded.mediaType) == encoded.value)
    }

    @Test func decodingErrorNamesTheField() {
        let bytes = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["x"]}}"#.utf8)
        let error = #expect(throws: OCIError.self) {
            try Raw<ImageConfig>(decoding: bytes, mediaType: MediaType.ociConfig)
        }
        #expect(error?.message.hasPrefix("invalid \(MediaType.ociConfig): field \"rootfs.diff_ids[0]\"") == true)
    }
}
