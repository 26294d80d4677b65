import Foundation
import Testing

@testable import OCI

@Suite("Image config")
struct ImageConfigTests {
    @Test func decodesDockerConfig() throws {
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(Fixtures.dockerConfig.utf8))
        #expect(config.platform == Platform(os: "linux", architecture: "amd64"))
        #expect(config.created == "2024-05-14T01:28:26.123456789Z")
        let container = try #require(config.config)
        #expect(container.user == "app")
        #expect(container.env == ["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"])
        #expect(container.cmd == nil)
        #expect(container.entrypoint == [])
        #expect(container.exposedPorts == ["8080/tcp", "9090/udp"])
        #expect(container.volumes == ["/data"])
        #expect(container.workingDir == "/root")
        #expect(container.labels?["org.opencontainers.image.source"] == "https://example.com/repo")
        #expect(container.stopSignal == "SIGINT")
        #expect(container.healthcheck?.test == ["CMD-SHELL", "true"])
        #expect(container.healthcheck?.interval == 30_000_000_000)
        #expect(config.rootfs.diffIDs.map(\.description) == [Fixtures.digest("8"), Fixtures.digest("9")])
        let history = try #require(config.history)
        #expect(history.map(\.emptyLayer) == [nil, true, nil])
        #expect(history[2].comment == "buildkit.dockerfile.v0")
        #expect(history.filter { $0.emptyLayer != true }.count == config.rootfs.diffIDs.count)
    }

    @Test func reencodingKeepsDockerKeyNamesAndDropsUnknownTopLevelFields() throws {
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(Fixtures.dockerConfig.utf8))
        let text = String(decoding: try CanonicalJSON.encode(config), as: UTF8.self)
        for key in [
            "\"Env\"", "\"Entrypoint\":[]", "\"ExposedPorts\":{\"8080/tcp\":{},\"9090/udp\":{}}",
            "\"Volumes\":{\"/data\":{}}", "\"WorkingDir\"", "\"User\"", "\"Labels\"", "\"StopSignal\"",
            "\"diff_ids\"", "\"created_by\"", "\"empty_layer\":true", "\"Healthcheck\"",
        ] {
            #expect(text.contains(key), "\(key)")
        }
        // Documented: Docker-only top-level fields and unknown container-config fields are dropped.
        for dropped in ["container_config", "docker_version", "\"container\"", "Hostname", "\"Cmd\"", "OnBuild"] {
            #expect(!text.contains(dropped), "\(dropped)")
        }
    }

    @Test func minimalOCIConfig() throws {
        let json = #"{"architecture":"arm64","os":"linux","variant":"v8","rootfs":{"type":"layers","diff_ids":[]}}"#
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(json.utf8))
        #expect(config.config == nil)
        #expect(config.history == nil)
        #expect(config.platform.matches(.linuxARM64))
        let canonical =
            #"{"architecture":"arm64","os":"linux","rootfs":{"diff_ids":[],"type":"layers"},"variant":"v8"}"#
        #expect(String(decoding: try CanonicalJSON.encode(config), as: UTF8.self) == canonical)
    }

    @Test func missingRequiredFieldIsNamed() {
        let json = Data(#"{"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        let error = #expect(throws: OCIError.self) {
            try Raw<ImageConfig>(decoding: json, mediaType: MediaType.ociConfig)
        }
        #expect(error?.message == "invalid \(MediaType.ociConfig): missing field \"architecture\"")
    }

    @Test(arguments: [(0.0, "1970-01-01T00:00:00Z"), (1_700_000_000.0, "2023-11-14T22:13:20Z")])
    func timestamps(_ seconds: Double, _ expected: String) {
        #expect(ImageConfig.timestamp(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
