import OCI

/// An image in Google Artifact Registry, split into location, project, repository and image.
///
/// `us-east1-docker.pkg.dev/my-union-dataplane/my-registry/my-image-repository/simple-example-image` is location
/// `us-east1`, project `my-union-dataplane`, repository `my-registry`, image
/// `my-image-repository/simple-example-image`. A domain-scoped project `example.com:my-project` is written
/// `example.com/my-project` in paths. On `gcr.io` hosts the repository is the host itself (`gcr.io/P/img` is stored
/// in repository `gcr.io` of location `us`).
public struct ArtifactRegistryPath: Sendable, Hashable, CustomStringConvertible {
    /// The registry host.
    public let host: ArtifactRegistryHost
    /// The project ID as Google writes it (`my-project`, or `example.com:my-project` for domain-scoped projects).
    public let project: String
    /// The Artifact Registry repository ID (`my-registry`, or `gcr.io` for `gcr.io` hosts).
    public let repository: String
    /// The image name inside the repository, possibly nested (`a/b`); nil for a repository-only path.
    public let image: String?

    /// The location (`us-east1`, `us`).
    public var location: String { host.location }

    /// The project as it appears in image paths: `example.com/my-project` for `example.com:my-project`.
    public var projectPath: String { project.replacingOccurrences(of: ":", with: "/") }

    /// `projects/P/locations/L/repositories/R`.
    public var repositoryResourceName: String {
        "projects/\(project)/locations/\(location)/repositories/\(repository)"
    }

    /// `HOST/PROJECT/REPOSITORY` (or `gcr.io/PROJECT` for `gcr.io` hosts): the path the repository serves.
    public var repositoryPath: String {
        host.kind == .containerRegistry ? "\(host.name)/\(projectPath)" : "\(host.name)/\(projectPath)/\(repository)"
    }

    /// The exact gcloud command that creates the repository.
    public var createRepositoryCommand: String {
        "gcloud artifacts repositories create \(repository) --repository-format=docker --location=\(location) "
            + "--project=\(project)"
    }

    /// `HOST/PROJECT/REPOSITORY[/IMAGE]`.
    public var description: String {
        image.map { "\(repositoryPath)/\($0)" } ?? repositoryPath
    }

    /// Splits `reference`; nil when its registry is not a Google host.
    ///
    /// - Throws: ``GoogleCloudError`` naming the reference and showing the right shape when the path has no image
    ///   part, the location is a zone or unknown, or the project or repository ID is invalid.
    public init?(_ reference: Reference) throws(GoogleCloudError) {
        guard let host = try ArtifactRegistryHost(reference.registry) else { return nil }
        try self.init(host: host, path: reference.repository, requireImage: true, shown: reference.description)
    }

    /// Parses `HOST/PROJECT/REPOSITORY[/IMAGE][:TAG|@DIGEST]`, with a clear error for a Google project written
    /// with a colon (`example.com:proj`) and for non-Google hosts.
    ///
    /// - Parameter requireImage: false accepts a repository-only path (`HOST/PROJECT/REPOSITORY`), e.g. to create
    ///   the repository.
    public init(parsing text: String, requireImage: Bool = true) throws(GoogleCloudError) {
        var trimmed = Substring(text.trimmingCharacters(in: .whitespaces))
        if let scheme = trimmed.range(of: "://") { trimmed = trimmed[scheme.upperBound...] }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let components = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = components.first, !first.isEmpty else {
            throw GoogleCloudError(
                "\"\(text)\" is not an image path — use LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE")
        }
        guard let host = try ArtifactRegistryHost(String(first)) else {
            throw GoogleCloudError(
                "\(text): \(first) is not a Google Artifact Registry host — use "
                    + "LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE (e.g. us-east1-docker.pkg.dev)")
        }
        let inner = components.dropFirst().dropLast()
        if let colon = inner.first(where: { $0.contains(":") }) {
            let fixed = colon.replacingOccurrences(of: ":", with: "/")
            throw GoogleCloudError(
                "\(text): \"\(colon)\" has a colon — a domain-scoped project ID is written \(fixed) in image paths "
                    + "(\(host.name)/\(fixed)/…)")
        }
        var path = components.dropFirst().joined(separator: "/")
        // Drop the tag or digest of the last component.
        if let at = path.firstIndex(of: "@") { path = String(path[..<at]) }
        if let slash = path.lastIndex(of: "/"), let colon = path[slash...].firstIndex(of: ":") {
            path = String(path[..<colon])
        } else if !path.contains("/"), let colon = path.firstIndex(of: ":") {
            path = String(path[..<colon])
        }
        try self.init(host: host, path: path, requireImage: requireImage, shown: text)
    }

    private init(host: ArtifactRegistryHost, path: String, requireImage: Bool, shown: String) throws(GoogleCloudError) {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let shape = host.imageShape
        guard let first = parts.first, !first.isEmpty else {
            throw GoogleCloudError("\(shown): no project — images are \(shape)")
        }
        var project = first
        parts.removeFirst()
        if first.contains(".") {
            // Domain-scoped project: example.com/my-project.
            guard let name = parts.first else {
                throw GoogleCloudError(
                    "\(shown): \"\(first)\" looks like the domain of a domain-scoped project but no project follows "
                        + "— images are \(host.name)/DOMAIN/PROJECT/…")
            }
            try Self.validateDomain(first, shown: shown)
            project = "\(first):\(name)"
            parts.removeFirst()
            try Self.validateProjectID(name, shown: shown)
        } else {
            try Self.validateProjectID(first, shown: shown)
        }
        let repository: String
        if let implied = host.impliedRepository {
            repository = implied
        } else {
            guard let name = parts.first else {
                throw GoogleCloudError(
                    "\(shown): no repository and no image — Artifact Registry images are \(shape), e.g. "
                        + "\(host.name)/\(project.replacingOccurrences(of: ":", with: "/"))/REPOSITORY/IMAGE")
            }
            try Self.validateRepositoryID(name, shown: shown)
            repository = name
            parts.removeFirst()
        }
        let image = parts.isEmpty ? nil : parts.joined(separator: "/")
        if requireImage, image == nil {
            let prefix =
                host.kind == .containerRegistry
                ? "\(host.name)/\(project.replacingOccurrences(of: ":", with: "/"))"
                : "\(host.name)/\(project.replacingOccurrences(of: ":", with: "/"))/\(repository)"
            throw GoogleCloudError(
                "\(shown): no image name — Artifact Registry images are \(shape), e.g. \(prefix)/IMAGE")
        }
        if let image, image.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw GoogleCloudError("\(shown): empty path component in image \"\(image)\" — images are \(shape)")
        }
        self.host = host
        self.project = project
        self.repository = repository
        self.image = image
    }

    /// Project IDs: 6 to 30 characters, lowercase letters, digits and hyphens, starting with a letter and not
    /// ending with a hyphen.
    static func validateProjectID(_ id: String, shown: String) throws(GoogleCloudError) {
        let allowed = id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        let valid =
            allowed && (6...30).contains(id.count) && id.first!.isLetter && id.last != "-"
        if !valid {
            throw GoogleCloudError(
                "\(shown): \"\(id)\" is not a valid Google Cloud project ID — use 6 to 30 lowercase letters, digits "
                    + "or hyphens, starting with a letter (`gcloud projects list` shows the IDs)")
        }
    }

    /// Repository IDs: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters.
    static func validateRepositoryID(_ id: String, shown: String) throws(GoogleCloudError) {
        let allowed = id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        let valid = allowed && (1...63).contains(id.count) && id.first!.isLetter && id.last != "-"
        if !valid {
            throw GoogleCloudError(
                "\(shown): \"\(id)\" is not a valid Artifact Registry repository ID — use lowercase letters, digits "
                    + "and hyphens, starting with a letter (at most 63 characters)")
        }
    }

    static func validateDomain(_ domain: String, shown: String) throws(GoogleCloudError) {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            labels.count >= 2
            && labels.allSatisfy { label in
                !label.isEmpty && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            }
        if !valid {
            throw GoogleCloudError(
                "\(shown): \"\(domain)\" is not a valid domain of a domain-scoped project — write DOMAIN/PROJECT, "
                    + "e.g. example.com/my-project")
        }
    }
}
