import Foundation

/// Small real-world-shaped manifest and config JSON, written inline.
enum Fixtures {
    static func digest(_ character: Character) -> String {
        "sha256:" + String(repeating: character, count: 64)
    }

    /// A Docker manifest list as pushed by BuildKit with provenance: two images and an attestation entry.
    static let dockerManifestList = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
           "manifests": [
              {
                 "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                 "size": 1570,
                 "digest": "\(digest("a"))",
                 "platform": {"architecture": "amd64", "os": "linux"}
              },
              {
                 "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                 "size": 1570,
                 "digest": "\(digest("b"))",
                 "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}
              },
              {
                 "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "size": 566,
                 "digest": "\(digest("c"))",
                 "annotations": {
                    "vnd.docker.reference.digest": "\(digest("a"))",
                    "vnd.docker.reference.type": "attestation-manifest"
                 },
                 "platform": {"architecture": "unknown", "os": "unknown"}
              }
           ]
        }
        """

    /// An OCI index whose first entry is an attestation that (unusually) carries a real platform, and whose image
    /// entries come after it.
    static let ociIndex = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "\(digest("d"))",
              "size": 840,
              "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
              "platform": {"architecture": "amd64", "os": "linux"}
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "\(digest("e"))",
              "size": 1022,
              "platform": {"architecture": "amd64", "os": "linux"}
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "\(digest("f"))",
              "size": 1022,
              "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "digest": "\(digest("1"))",
              "size": 1022,
              "platform": {"architecture": "ppc64le", "os": "linux"}
            }
          ],
          "annotations": {"org.opencontainers.image.ref.name": "v1"}
        }
        """

    /// An OCI manifest as written by umoci: no top-level mediaType.
    static let umociManifest = """
        {
          "schemaVersion": 2,
          "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "\(digest("2"))",
            "size": 455
          },
          "layers": [
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "\(digest("3"))",
              "size": 1234
            }
          ]
        }
        """

    /// A Docker schema 2 manifest.
    static let dockerManifest = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {
              "mediaType": "application/vnd.docker.container.image.v1+json",
              "size": 7023,
              "digest": "\(digest("4"))"
           },
           "layers": [
              {
                 "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "size": 32654,
                 "digest": "\(digest("5"))"
              },
              {
                 "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "size": 16724,
                 "digest": "\(digest("6"))"
              }
           ]
        }
        """

    /// A Docker schema 1 manifest (signed), which is rejected.
    static let schema1 = """
        {
           "schemaVersion": 1,
           "name": "library/hello-world",
           "tag": "latest",
           "architecture": "amd64",
           "fsLayers": [{"blobSum": "\(digest("7"))"}],
           "history": [{"v1Compatibility": "{}"}],
           "signatures": []
        }
        """

    /// A Docker image config as produced by `docker build`, with Docker-only top-level fields.
    static let dockerConfig = """
        {
          "architecture": "amd64",
          "config": {
            "Hostname": "",
            "User": "app",
            "ExposedPorts": {"8080/tcp": {}, "9090/udp": {}},
            "Env": ["PATH=/usr/local/bin:/usr/bin", "LANG=C.UTF-8"],
            "Cmd": null,
            "Entrypoint": [],
            "Volumes": {"/data": {}},
            "WorkingDir": "/root",
            "Labels": {"org.opencontainers.image.source": "https://example.com/repo"},
            "StopSignal": "SIGINT",
            "OnBuild": null,
            "Healthcheck": {"Test": ["CMD-SHELL", "true"], "Interval": 30000000000, "Retries": 3}
          },
          "container": "3b1f0e2c",
          "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) CMD [\\"python3\\"]"]},
          "created": "2024-05-14T01:28:26.123456789Z",
          "docker_version": "20.10.23",
          "history": [
            {"created": "2024-05-13T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created": "2024-05-13T00:00:01Z", "created_by": "/bin/sh -c #(nop)  CMD [\\"bash\\"]",
             "empty_layer": true},
            {"created": "2024-05-14T01:28:26Z", "created_by": "RUN pip install numpy",
             "comment": "buildkit.dockerfile.v0"}
          ],
          "os": "linux",
          "rootfs": {"type": "layers", "diff_ids": ["\(digest("8"))", "\(digest("9"))"]}
        }
        """
}
