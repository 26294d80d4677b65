import Foundation
import GoogleCloud
import Synchronization
import TestSupport
import Testing

/// The Artifact Registry REST client against an in-process server: URL shapes, bearer token, the long-running
/// operation, 409, failed and unfinished operations, error envelopes.
@Suite("Artifact Registry API client")
struct ArtifactRegistryAPITests {
    static let path = try! ArtifactRegistryPath(
        parsing: "us-east1-docker.pkg.dev/my-project/my-repo", requireImage: false)

    static func api(_ server: FakeHTTPServer, token: String = "ya29.api-test", timeout: Duration = .seconds(5))
        -> ArtifactRegistryAPI
    {
        ArtifactRegistryAPI(
            baseURL: server.baseURL + "/", accessToken: { token }, operationTimeout: timeout,
            pollInterval: .milliseconds(20))
    }

    @Test(
        "gcloud's endpoint override, with or without v1/ and the trailing slash",
        arguments: [
            ("https://ar.example.com/", "https://ar.example.com/"),
            ("https://ar.example.com", "https://ar.example.com/"),
            ("https://ar.example.com/v1/", "https://ar.example.com/"),
            ("http://127.0.0.1:8080/prefix/v1", "http://127.0.0.1:8080/prefix/"),
        ])
    func endpointOverride(_ value: String, _ expected: String) {
        #expect(ArtifactRegistryAPI.baseURL(environment: [ArtifactRegistryAPI.overrideVariable: value]) == expected)
        #expect(ArtifactRegistryAPI.baseURL(environment: [:]) == "https://artifactregistry.googleapis.com/")
    }

    @Test("create: POST with repositoryId and a DOCKER/STANDARD body, then the operation is polled until done")
    func createPolls() async throws {
        let polls = Mutex(0)
        let server = try await FakeHTTPServer.start { request in
            guard request.header("Authorization") == "Bearer ya29.api-test" else { return .json(401, "{}") }
            if request.method == "POST" {
                guard request.uri == "/v1/projects/my-project/locations/us-east1/repositories?repositoryId=my-repo",
                    let body = try? JSONSerialization.jsonObject(with: request.body) as? [String: String],
                    body == ["format": "DOCKER", "mode": "STANDARD_REPOSITORY", "description": "d"]
                else { return .json(400, #"{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}"#) }
                return .json(200, #"{"name":"projects/my-project/locations/us-east1/operations/op1","done":false}"#)
            }
            guard request.uri == "/v1/projects/my-project/locations/us-east1/operations/op1" else {
                return .json(404, "{}")
            }
            let count = polls.withLock { value -> Int in
                value += 1
                return value
            }
            return count < 3
                ? .json(200, #"{"name":"projects/my-project/locations/us-east1/operations/op1"}"#)
                : .json(
                    200,
                    #"{"name":"x","done":true,"response":{"name":"projects/my-project/locations/us-east1/repositories/my-repo"}}"#
                )
        }
        #expect(try await Self.api(server).createRepository(Self.path, description: "d") == .created)
        #expect(polls.withLock { $0 } == 3)
        await server.shutdown()
    }

    @Test("409 ALREADY_EXISTS is success; 404/403/200 on GET are missing/forbidden/exists")
    func conflictAndLookup() async throws {
        let server = try await FakeHTTPServer.start { request in
            if request.method == "POST" {
                return .json(409, #"{"error":{"code":409,"message":"exists","status":"ALREADY_EXISTS"}}"#)
            }
            switch request.path {
            case "/v1/projects/my-project/locations/us-east1/repositories/my-repo":
                return .json(200, #"{"name":"n","format":"DOCKER","mode":"STANDARD_REPOSITORY"}"#)
            case "/v1/projects/my-project/locations/us-east1/repositories/missing":
                return .json(
                    404, #"{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}"#)
            default:
                return .json(403, #"{"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}}"#)
            }
        }
        let api = Self.api(server)
        #expect(try await api.createRepository(Self.path) == .alreadyExisted)
        #expect(try await api.repository(Self.path) == .exists(format: "DOCKER", mode: "STANDARD_REPOSITORY"))
        let missing = try ArtifactRegistryPath(
            parsing: "us-east1-docker.pkg.dev/my-project/missing", requireImage: false)
        #expect(try await api.repository(missing) == .missing)
        let other = try ArtifactRegistryPath(parsing: "us-east1-docker.pkg.dev/my-project/other", requireImage: false)
        #expect(try await api.repository(other) == .forbidden("PERMISSION_DENIED Permission denied"))
        await server.shutdown()
    }

    @Test("a failed operation, a refused create and an operation that never finishes: one line each")
    func failures() async throws {
        let mode = Mutex("error")
        let server = try await FakeHTTPServer.start { request in
            let current = mode.withLock { $0 }
            if current == "denied" {
                return .json(
                    403,
                    #"{"error":{"code":403,"message":"Permission 'artifactregistry.repositories.create' denied","status":"PERMISSION_DENIED"}}"#
                )
            }
            if request.method == "POST" {
                return .json(200, #"{"name":"projects/p/locations/l/operations/op","done":false}"#)
            }
            if current == "error" {
                return .json(
                    200,
                    #"{"name":"op","done":true,"error":{"code":3,"message":"Location us-east1 is not allowed by policy"}}"#
                )
            }
            return .json(200, #"{"name":"projects/p/locations/l/operations/op","done":false}"#)
        }
        let failed = await #expect(throws: GoogleCloudError.self) {
            try await Self.api(server).createRepository(Self.path)
        }
        #expect(failed?.message.contains("Location us-east1 is not allowed by policy") == true)
        #expect(failed?.message.contains("gcloud artifacts repositories create my-repo") == true)

        mode.withLock { $0 = "denied" }
        let denied = await #expect(throws: GoogleCloudError.self) {
            try await Self.api(server).createRepository(Self.path)
        }
        #expect(denied?.message.contains("HTTP 403") == true)
        #expect(denied?.message.contains("roles/artifactregistry.repoAdmin") == true)

        mode.withLock { $0 = "pending" }
        let started = ContinuousClock.now
        let pending = await #expect(throws: GoogleCloudError.self) {
            try await Self.api(server, timeout: .milliseconds(300)).createRepository(Self.path)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(pending?.message.contains("not done after") == true)
        for error in [failed, denied, pending].compactMap({ $0 }) {
            #expect(!error.message.contains("ya29.api-test"))
            #expect(!error.message.contains("\n"))
        }
        await server.shutdown()
    }
}
