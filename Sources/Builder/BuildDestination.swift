import Destinations
import OCI

/// Where a built image goes.
public enum BuildDestination: Sendable, Hashable, CustomStringConvertible {
    /// Pushed to a registry under this reference (tag).
    case registry(Reference)
    /// Written as an OCI image layout directory; the image is tagged `tag` (`org.opencontainers.image.ref.name` when
    /// the OCI grammar allows it; see ``OCI/LayoutRefName``).
    case ociLayout(path: String, tag: String)
    /// Written as a tarball that `docker load` / `podman load` accept, naming the image `name`.
    case dockerArchive(path: String, name: String)

    /// Parses `oci:DIR`, `docker-archive:FILE` or `docker://REF`; `plan` supplies the tag and name. The message of
    /// the ``BuildError`` starts with the text (or its transport) so a command line can put its option before it.
    /// A `docker-archive:` target that can be neither replaced nor streamed to (see
    /// ``Destinations/DockerArchiveTarget``) is refused here, before anything is built.
    public init(parsing text: String, plan: BuildPlan) throws(BuildError) {
        if text.hasPrefix("oci:") {
            let path = String(text.dropFirst(4))
            guard !path.isEmpty else {
                throw BuildError(.destination, "oci: needs a directory, e.g. oci:./image")
            }
            self = .ociLayout(path: path, tag: plan.tag)
        } else if text.hasPrefix("docker-archive:") {
            let path = String(text.dropFirst("docker-archive:".count))
            guard !path.isEmpty else {
                throw BuildError(.destination, "docker-archive: needs a file, e.g. docker-archive:image.tar")
            }
            do {
                _ = try DockerArchiveTarget(path: path)
            } catch {
                throw BuildError(.destination, error.message, cause: error)
            }
            self = .dockerArchive(path: path, name: plan.imageName)
        } else if text.hasPrefix("docker://") {
            do {
                self = .registry(try Reference(String(text.dropFirst("docker://".count))))
            } catch {
                throw BuildError(.destination, "\(text): \(error)")
            }
        } else {
            throw BuildError(
                .destination,
                "\(text): unknown destination — use oci:DIR, docker-archive:FILE or docker://REF")
        }
    }

    /// Whether the image is written to standard output (`docker-archive:-` or `docker-archive:/dev/stdout`).
    public var writesToStandardOutput: Bool {
        guard case .dockerArchive(let path, _) = self else { return false }
        return (try? DockerArchiveTarget(path: path))?.isStandardOutput ?? false
    }

    /// `docker://…`, `oci:DIR:TAG` (`oci:DIR` when the tag cannot be an OCI ref name) or `docker-archive:FILE`:
    /// what skopeo and podman accept.
    public var description: String {
        switch self {
        case .registry(let reference): "docker://\(reference)"
        case .ociLayout(let path, let tag): LayoutRefName.isValid(tag) ? "oci:\(path):\(tag)" : "oci:\(path)"
        case .dockerArchive(let path, _): "docker-archive:\(path)"
        }
    }
}
