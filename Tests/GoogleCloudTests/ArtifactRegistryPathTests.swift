import GoogleCloud
import OCI
import Testing

/// One row of the naming table: a reference and how it splits (nil location = must be rejected).
struct NamingCase: Sendable, CustomTestStringConvertible {
    let input: String
    let location: String?
    let project: String?
    let repository: String?
    let image: String?
    let errorContains: String?

    static func ok(_ input: String, _ location: String, _ project: String, _ repository: String, _ image: String)
        -> NamingCase
    {
        NamingCase(
            input: input, location: location, project: project, repository: repository, image: image,
            errorContains: nil)
    }

    static func bad(_ input: String, _ errorContains: String) -> NamingCase {
        NamingCase(
            input: input, location: nil, project: nil, repository: nil, image: nil, errorContains: errorContains)
    }

    var testDescription: String { input }
}

@Suite("Artifact Registry naming")
struct ArtifactRegistryPathTests {
    static let cases: [NamingCase] = [
        .ok(
            "us-east1-docker.pkg.dev/my-union-dataplane/my-registry/my-image-repository/simple-example-image:abc123",
            "us-east1", "my-union-dataplane", "my-registry", "my-image-repository/simple-example-image"),
        .ok("us-docker.pkg.dev/my-project/repo/img", "us", "my-project", "repo", "img"),
        .ok("europe-docker.pkg.dev/my-project/repo/img:1", "europe", "my-project", "repo", "img"),
        .ok("asia-docker.pkg.dev/my-project/repo/a/b/c", "asia", "my-project", "repo", "a/b/c"),
        .ok("europe-west4-docker.pkg.dev/proj-123/team-images/app", "europe-west4", "proj-123", "team-images", "app"),
        .ok(
            "northamerica-northeast1-docker.pkg.dev/my-project/r1/img", "northamerica-northeast1", "my-project", "r1",
            "img"),
        .ok("docker.europe-west3.rep.pkg.dev/my-project/repo/img", "europe-west3", "my-project", "repo", "img"),
        .ok(
            "us-central1-docker.pkg.dev/example.com/my-project/repo/img", "us-central1", "example.com:my-project",
            "repo", "img"),
        .ok("gcr.io/my-project/img", "us", "my-project", "gcr.io", "img"),
        .ok("us.gcr.io/my-project/team/img:v1", "us", "my-project", "us.gcr.io", "team/img"),
        .ok("eu.gcr.io/my-project/img", "europe", "my-project", "eu.gcr.io", "img"),
        .ok("asia.gcr.io/my-project/img", "asia", "my-project", "asia.gcr.io", "img"),
        .ok("gcr.io/example.com/my-project/img", "us", "example.com:my-project", "gcr.io", "img"),
        .ok(
            "us-east1-docker.pkg.dev/my-project/repo/img@sha256:" + String(repeating: "a", count: 64), "us-east1",
            "my-project", "repo", "img"),
        .bad("us-east1-docker.pkg.dev/my-project/repo", "LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE"),
        .bad("us-east1-docker.pkg.dev/my-project/repo:v1", "no image name"),
        .bad("us-east1-docker.pkg.dev/my-project", "no repository and no image"),
        .bad("gcr.io/my-project", "gcr.io/PROJECT/IMAGE"),
        .bad("us-west1-c-docker.pkg.dev/my-project/repo/img", "is a zone, not an Artifact Registry location"),
        .bad("docker.us-west1-c.rep.pkg.dev/my-project/repo/img", "use the region: us-west1-docker.pkg.dev"),
        .bad("mars-docker.pkg.dev/my-project/repo/img", "is not an Artifact Registry location"),
        .bad("us-east1-docker.pkg.dev/example.com:my-project/repo/img", "written example.com/my-project"),
        .bad("us-east1-docker.pkg.dev/1project/repo/img", "not a valid Google Cloud project ID"),
        .bad("us-east1-docker.pkg.dev/abc/repo/img", "not a valid Google Cloud project ID"),
        .bad("us-east1-docker.pkg.dev/my-project/my_repo/img", "not a valid Artifact Registry repository ID"),
        .bad("ghcr.io/flyteorg/flytekit", "not a Google Artifact Registry host"),
    ]

    @Test(arguments: cases)
    func splitsOrRejects(_ row: NamingCase) throws {
        if let location = row.location {
            let path = try ArtifactRegistryPath(parsing: row.input)
            #expect(path.location == location)
            #expect(path.project == row.project)
            #expect(path.repository == row.repository)
            #expect(path.image == row.image)
            // The same split from a parsed OCI reference.
            let viaReference = try #require(try ArtifactRegistryPath(Reference(row.input)))
            #expect(viaReference == path)
        } else {
            let error = #expect(throws: GoogleCloudError.self) { try ArtifactRegistryPath(parsing: row.input) }
            let message = error?.description ?? ""
            #expect(message.contains(try #require(row.errorContains)), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test func seedRepositoryNamesAndFixCommand() throws {
        let path = try ArtifactRegistryPath(
            parsing: "us-east1-docker.pkg.dev/my-union-dataplane/my-registry/my-image-repository/simple-example-image:x"
        )
        #expect(
            path.repositoryResourceName == "projects/my-union-dataplane/locations/us-east1/repositories/my-registry")
        #expect(
            path.createRepositoryCommand
                == "gcloud artifacts repositories create my-registry --repository-format=docker "
                + "--location=us-east1 --project=my-union-dataplane")
        #expect(path.repositoryPath == "us-east1-docker.pkg.dev/my-union-dataplane/my-registry")
        #expect(path.host.kind == .artifactRegistry)
    }

    @Test func domainScopedAndGCRResourceNames() throws {
        let scoped = try ArtifactRegistryPath(parsing: "us-docker.pkg.dev/example.com/proj-x1/repo/img")
        #expect(scoped.projectPath == "example.com/proj-x1")
        #expect(scoped.repositoryResourceName == "projects/example.com:proj-x1/locations/us/repositories/repo")
        #expect(scoped.createRepositoryCommand.hasSuffix("--location=us --project=example.com:proj-x1"))
        let gcr = try ArtifactRegistryPath(parsing: "eu.gcr.io/my-project/img")
        #expect(gcr.repositoryResourceName == "projects/my-project/locations/europe/repositories/eu.gcr.io")
        #expect(gcr.repositoryPath == "eu.gcr.io/my-project")
    }

    @Test func repositoryOnlyPathWhenAllowed() throws {
        let path = try ArtifactRegistryPath(
            parsing: "us-east1-docker.pkg.dev/test-project/created-repo",
            requireImage: false)
        #expect(path.image == nil)
        #expect(path.description == "us-east1-docker.pkg.dev/test-project/created-repo")
    }

    @Test func nonGoogleReferenceIsNil() throws {
        #expect(try ArtifactRegistryPath(Reference("ghcr.io/flyteorg/flytekit:py3.11")) == nil)
        #expect(try ArtifactRegistryPath(Reference("127.0.0.1:5000/a/b/c")) == nil)
    }

    @Test(arguments: [
        ("us-east1-docker.pkg.dev", true), ("docker.europe-west3.rep.pkg.dev", true), ("gcr.io", true),
        ("eu.gcr.io", true), ("marketplace.gcr.io", true), ("ghcr.io", false), ("docker.io", false),
        ("127.0.0.1:5000", false), ("pkg.dev.example.com", false),
    ])
    func googleHosts(_ host: String, _ expected: Bool) {
        #expect(ArtifactRegistryHost.isGoogleHost(host) == expected)
    }
}
