import Support

/// An image reference such as `ubuntu`, `localhost:5000/x:dev` or `ghcr.io/a/b:tag@sha256:…`, parsed with the
/// distribution reference grammar and normalised the way Docker does.
///
/// Normalisation:
/// - no registry → `docker.io`; `index.docker.io` and `registry-1.docker.io` → `docker.io`;
/// - a one-component repository on `docker.io` gets `library/` (`ubuntu` → `docker.io/library/ubuntu`);
/// - no tag and no digest → tag `latest`; a reference with both a tag and a digest keeps both;
/// - the registry host is lowercased (host names are case-insensitive); the repository must already be lowercase.
///
/// The first component is a registry only if it contains `.` or `:` or is `localhost`.
public struct Reference: Hashable, Sendable, CustomStringConvertible {
    /// The normalised registry, `host[:port]`; Docker Hub is `docker.io`.
    public let registry: String
    /// The repository path on the registry, e.g. `library/ubuntu` or `a/b`.
    public let repository: String
    /// The tag, if any. `latest` when the reference had neither a tag nor a digest.
    public let tag: String?
    /// The digest, if any.
    public let digest: Digest?

    /// Parses and normalises `string`.
    ///
    /// - Throws: ``OCIError`` with a one-line message such as
    ///   `invalid reference "Foo/bar": repository must be lowercase ("Foo")`.
    public init(_ string: String) throws(OCIError) {
        do {
            self = try ReferenceParser.parse(string)
        } catch {
            throw OCIError("invalid reference \(string.quotedForMessage): \(error.reason)")
        }
    }

    /// Builds a reference from parts, validating and normalising them as if they were written
    /// `registry/repository[:tag][@digest]`.
    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) throws(OCIError) {
        var string = "\(registry)/\(repository)"
        if let tag { string += ":\(tag)" }
        if let digest { string += "@\(digest)" }
        try self.init(string)
    }

    /// Memberwise initialiser for already-validated parts.
    init(validatedRegistry registry: String, repository: String, tag: String?, digest: Digest?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// What goes after `/manifests/` in a registry URL: the digest if there is one, else the tag, else `latest`.
    public var identifier: String {
        digest?.description ?? tag ?? "latest"
    }

    /// `registry/repository`, without tag or digest.
    public var name: String {
        "\(registry)/\(repository)"
    }

    /// The full normalised form: `docker.io/library/ubuntu:latest`, `host/a/b:t@sha256:…`.
    public var description: String {
        var result = name
        if let tag { result += ":\(tag)" }
        if let digest { result += "@\(digest)" }
        return result
    }

    /// The host to contact: `registry-1.docker.io` for Docker Hub, otherwise ``registry``.
    public var apiHost: String {
        registry == "docker.io" ? "registry-1.docker.io" : registry
    }

    /// The same repository with `tag` and without a digest.
    ///
    /// - Throws: ``OCIError`` if `tag` does not match `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public func withTag(_ tag: String) throws(OCIError) -> Reference {
        if let reason = ReferenceParser.tagProblem(tag) {
            throw OCIError("invalid tag \(tag.quotedForMessage) for \(name): \(reason)")
        }
        return Reference(validatedRegistry: registry, repository: repository, tag: tag, digest: nil)
    }

    /// The same repository and tag with `digest` (replacing any digest it had).
    public func withDigest(_ digest: Digest) -> Reference {
        Reference(validatedRegistry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// The same repository pinned to `digest` only, without a tag: what to pull when the digest is known.
    public func pinned(to digest: Digest) -> Reference {
        Reference(validatedRegistry: registry, repository: repository, tag: nil, digest: digest)
    }

    /// The same reference in another repository of the same registry (used for cross-repository mounts and
    /// multi-repository pushes).
    ///
    /// - Throws: ``OCIError`` if `repository` is not a valid repository path.
    public func inRepository(_ repository: String) throws(OCIError) -> Reference {
        try Reference(registry: registry, repository: repository, tag: tag, digest: digest)
    }
}
