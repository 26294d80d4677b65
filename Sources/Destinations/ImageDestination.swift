import OCI
import Registry

/// Where an image is written, as skopeo and podman spell it: `docker://REF` (or a bare reference) for a registry,
/// `oci:DIR[:TAG]` for an OCI image layout, `docker-archive:FILE[:NAME]` for a `docker load` tarball.
///
/// ```swift
/// let destination = try ImageDestination(parsing: "oci:./out:v1")
/// let report = try await ImageCopier(client: client).copy(from: source, to: try destination.sink(client: client))
/// ```
public enum ImageDestination: Sendable, Hashable, CustomStringConvertible {
    /// A registry repository (tag or digest).
    case registry(Reference)
    /// An OCI image layout directory, the image tagged `tag` when given.
    case ociLayout(path: String, tag: String?)
    /// A docker-archive tarball, the image named `name` (`repository:tag`) when given.
    case dockerArchive(path: String, name: String?)

    /// Parses `docker://REF`, `oci:DIR[:TAG]`, `docker-archive:FILE[:NAME]` or a bare image reference. As in skopeo,
    /// the first `:` after the transport ends the path.
    ///
    /// - Throws: ``Registry/RegistryError`` of kind ``Registry/RegistryError/Kind/configuration`` naming the text.
    public init(parsing text: String) throws(RegistryError) {
        func split(_ rest: Substring) -> (String, String?) {
            guard let colon = rest.firstIndex(of: ":") else { return (String(rest), nil) }
            let value = rest[rest.index(after: colon)...]
            return (String(rest[..<colon]), value.isEmpty ? nil : String(value))
        }
        func invalid(_ why: String) -> RegistryError {
            RegistryError(kind: .configuration, message: "\(text): \(why)", isTemporary: false)
        }
        if text.hasPrefix("oci:") {
            let (path, tag) = split(text.dropFirst(4))
            guard !path.isEmpty else { throw invalid("oci: needs a directory, e.g. oci:./image:latest") }
            if let tag, !LayoutRefName.isValid(tag) { throw invalid("\"\(tag)\" is not a valid OCI layout ref name") }
            self = .ociLayout(path: path, tag: tag)
        } else if text.hasPrefix("docker-archive:") {
            let (path, name) = split(text.dropFirst("docker-archive:".count))
            guard !path.isEmpty else { throw invalid("docker-archive: needs a file, e.g. docker-archive:image.tar") }
            if let name, (try? Reference(name.contains("/") ? name : "localhost/" + name)) == nil {
                throw invalid("\"\(name)\" is not an image name (repository:tag)")
            }
            self = .dockerArchive(path: path, name: name)
        } else {
            let reference = text.hasPrefix("docker://") ? String(text.dropFirst("docker://".count)) : text
            do {
                self = .registry(try Reference(reference))
            } catch {
                throw invalid("\(error) — use a registry reference, oci:DIR[:TAG] or docker-archive:FILE[:NAME]")
            }
        }
    }

    /// `docker://REF`, `oci:DIR[:TAG]` or `docker-archive:FILE[:NAME]`.
    public var description: String {
        switch self {
        case .registry(let reference): "docker://\(reference)"
        case .ociLayout(let path, let tag): tag.map { "oci:\(path):\($0)" } ?? "oci:\(path)"
        case .dockerArchive(let path, let name): name.map { "docker-archive:\(path):\($0)" } ?? "docker-archive:\(path)"
        }
    }

    /// The registry reference, for a registry destination.
    public var reference: Reference? {
        if case .registry(let reference) = self { return reference }
        return nil
    }

    /// The sink that writes here (`client` pushes to a registry destination).
    public func sink(client: RegistryClient) throws(RegistryError) -> any ImageSink {
        switch self {
        case .registry(let reference): RegistrySink(client: client, reference: reference)
        case .ociLayout(let path, let tag): try OCILayoutSink(path: path, tag: tag)
        case .dockerArchive(let path, let name): try DockerArchiveSink(path: path, name: name)
        }
    }
}
