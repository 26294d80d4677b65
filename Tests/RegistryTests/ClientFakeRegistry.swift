import Foundation
import OCI
import Synchronization
import TestSupport

/// Helpers for the in-process fake server tests: a thread-safe counter and canned registry answers.
///
/// The fake server is only used for what a real `docker-registry` cannot be made to do (429, 500, resets, wrong
/// digests, cross-origin redirects, scope upgrades); everything else is tested against the real registry.
final class ClientTally: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Increments `key` and returns the new count (1 for the first call).
    func next(_ key: String) -> Int {
        counts.withLock { counts in
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }

    /// The current count of `key`.
    func count(_ key: String) -> Int {
        counts.withLock { $0[key, default: 0] }
    }
}

enum ClientFakeRegistry {
    /// A small OCI image manifest and its digest.
    static let manifestBytes = Data(
        ("{\"config\":{\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\","
            + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":2},\"layers\":[],"
            + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}").utf8)
    static let manifestDigest = Digest.sha256(manifestBytes)

    /// `200` with the manifest, its content type and the given (default: correct) `Docker-Content-Digest`.
    static func manifest(digest: String = manifestDigest.description) -> FakeResponse {
        FakeResponse(
            status: 200,
            headers: [("Content-Type", MediaType.ociManifest), ("Docker-Content-Digest", digest)],
            body: manifestBytes)
    }

    /// `GET /v2/` answered 200 (no authentication).
    static let apiRoot = FakeResponse.json(200, "{}")

    /// The requests of `server` whose path is `path`.
    static func requests(_ server: FakeHTTPServer, path: String, method: String? = nil) -> [FakeRequest] {
        server.requests.filter { $0.path == path && (method == nil || $0.method == method) }
    }

    /// Every `scope` query value of a request, in order (the token request repeats `scope`).
    static func scopes(of request: FakeRequest) -> [String] {
        guard let items = URLComponents(string: request.uri)?.queryItems else { return [] }
        return items.filter { $0.name == "scope" }.compactMap(\.value)
    }
}
