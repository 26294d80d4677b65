/// A small image that `BaseImageFixture` built with umoci and pushed with skopeo.
public struct BaseImage: Sendable {
    /// `127.0.0.1:PORT/<repository>:<tag>`.
    public let reference: String
    /// The registry's `host:port`.
    public let registryHost: String
    /// Repository path on the registry (`base/busybox`).
    public let repository: String
    /// The tag pushed.
    public let tag: String
    /// The digest of the manifest as stored in the registry (`sha256:…`), from skopeo's `--digestfile`.
    public let manifestDigest: String
    /// The manifest media type pushed (OCI or Docker schema 2).
    public let manifestMediaType: String
    /// The OCI layout umoci wrote (`<dir>`; the image is `<dir>:latest`), for oracles such as `umoci unpack`.
    public let layoutPath: String
    /// Whether the rootfs is busybox-static (runnable `/bin/sh`) rather than a few plain files.
    public let hasBusybox: Bool
    /// The architecture written into the image config.
    public let architecture: String

    /// `127.0.0.1:PORT/<repository>@sha256:…`.
    public var digestReference: String { "\(registryHost)/\(repository)@\(manifestDigest)" }
}
