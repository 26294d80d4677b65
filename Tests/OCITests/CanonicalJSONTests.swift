import Foundation
import Testing

@testable import OCI

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    static func sampleManifest() throws -> ImageManifest {
        ImageManifest(
            config: Descriptor(
                mediaType: MediaType.ociConfig, digest: Digest.sha256(Data("config".utf8)), size: 6),
            layers: [
                Descriptor(
                    mediaType: MediaType.ociLayerGzip, digest: Digest.sha256(Data("layer".utf8)), size: 5,
                    annotations: ["org.opencontainers.image.title": "a/b/c.tar.gz", "é": "ü"])
            ],
            annotations: [
                "org.opencontainers.image.base.name": "docker.io/library/python:3.11-slim",
                "b": "2", "a": "1",
            ])
    }

    @Test func roundTripGivesTheSameBytes() throws {
        let first = try CanonicalJSON.encode(try Self.sampleManifest())
        let decoded = try JSONDecoder().decode(ImageManifest.self, from: first)
        #expect(decoded == (try Self.sampleManifest()))
        let second = try CanonicalJSON.encode(decoded)
        #expect(first == second)
    }

    @Test func keysSortedSlashesUnescapedNilsOmitted() throws {
        let text = String(decoding: try CanonicalJSON.encode(try Self.sampleManifest()), as: UTF8.self)
        #expect(!text.contains("\\/"))
        #expect(text.contains("application/vnd.oci.image.manifest.v1+json"))
        #expect(!text.contains("null"))
        #expect(!text.contains("subject"))
        #expect(!text.contains("artifactType"))
        #expect(!text.contains(" "))
        #expect(!text.contains("\n"))
        // Keys in byte order at every level.
        #expect(
            text.hasPrefix(
                #"{"annotations":{"a":"1","b":"2","org.opencontainers.image.base.name":"#
                    + #""docker.io/library/python:3.11-slim"},"config":{"digest":"sha256:"#))
        #expect(text.contains(#""layers":[{"annotations":{"org.opencontainers.image.title":"a/b/c.tar.gz","é":"ü"},"#))
        #expect(text.hasSuffix(#"],"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}"#))
    }

    /// An independent implementation (Python's json module with sorted keys and compact separators) must produce the
    /// same bytes as ours for the same value.
    @Test func matchesPythonCanonicalForm() throws {
        let ours = try CanonicalJSON.encode(try Self.sampleManifest())
        let script = """
            import json, sys
            value = json.load(sys.stdin)
            sys.stdout.write(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
            """
        let python = try run("/usr/bin/python3", ["-c", script], input: ours)
        #expect(python == String(decoding: ours, as: UTF8.self))
    }

    @Test func configRoundTripIsStable() throws {
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(Fixtures.dockerConfig.utf8))
        let first = try CanonicalJSON.encode(config)
        let second = try CanonicalJSON.encode(try JSONDecoder().decode(ImageConfig.self, from: first))
        #expect(first == second)
        let python = try run(
            "/usr/bin/python3",
            [
                "-c",
                """
                import json, sys
                value = json.load(sys.stdin)
                sys.stdout.write(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
                """,
            ], input: first)
        #expect(python == String(decoding: first, as: UTF8.self))
    }
}
