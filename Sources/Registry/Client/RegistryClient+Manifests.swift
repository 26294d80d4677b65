import Foundation
import NIOHTTP1
import OCI

extension RegistryClient {
    /// The largest manifest the client reads into memory.
    static let manifestLimit = 8 * 1024 * 1024

    /// `Accept` for manifest requests: all four manifest media types (distribution 2.8 answers 404 for an OCI
    /// manifest that the `Accept` header does not list).
    static var manifestHeaders: HTTPHeaders {
        ["Accept": MediaType.manifestAccept.joined(separator: ", ")]
    }

    /// Checks whether `reference` exists, cheaply (HEAD), and describes it.
    ///
    /// - Returns: the manifest's descriptor (media type, digest, size), or nil ONLY when the registry says the tag or
    ///   digest does not exist (404 / `MANIFEST_UNKNOWN`).
    /// - Throws: ``RegistryError`` for everything else — a missing repository (`NAME_UNKNOWN`), authentication,
    ///   network. It never guesses existence.
    public func headManifest(_ reference: Reference) async throws(RegistryError) -> Descriptor? {
        try await withPullSources(reference) { endpoint throws(RegistryError) in
            try await self.headManifest(reference, at: endpoint)
        }
    }

    /// HEAD at one endpoint. A 404 (or a 4xx HEAD cannot explain) is followed by a GET, whose body tells
    /// `MANIFEST_UNKNOWN` (nil) from `NAME_UNKNOWN` (thrown).
    func headManifest(_ reference: Reference, at endpoint: RegistryEndpoint) async throws(RegistryError)
        -> Descriptor?
    {
        let url = Self.url(endpoint, "manifests/\(reference.identifier)")
        let request = RegistryRequest(
            .HEAD, url, headers: Self.manifestHeaders, endpoint: endpoint, scopes: Self.pullScopes(endpoint))
        let response: BufferedResponse
        do {
            response = try await transport.fetch(request, accepted: [200, 404])
        } catch {
            guard let status = error.status, [400, 403, 405, 406].contains(status) else { throw error }
            // HEAD errors carry no body; GET explains them (or works where HEAD is not allowed).
            return try await getManifest(reference, at: endpoint).descriptor
        }
        if response.status == 404 {
            do {
                return try await getManifest(reference, at: endpoint).descriptor
            } catch {
                if error.isNotFound { return nil }
                throw error
            }
        }
        guard let digest = try Self.contentDigest(response, method: "HEAD"),
            let contentType = response.header("Content-Type"),
            let length = response.header("Content-Length").flatMap({ Int64($0) })
        else {
            // An old registry that omits the digest: read the manifest and hash it.
            return try await getManifest(reference, at: endpoint).descriptor
        }
        if let wanted = reference.digest, wanted != digest {
            throw RegistryError.digestMismatch(
                method: "HEAD", url: url, expected: wanted.description, actual: digest.description)
        }
        return Descriptor(mediaType: MediaType.essence(contentType), digest: digest, size: length)
    }

    /// Fetches the manifest (image or index) `reference` names, with its exact bytes.
    ///
    /// The bytes are verified against the reference's digest (when pulling by digest) and against the
    /// `Docker-Content-Digest` header (when sent); a difference throws ``RegistryError/Kind/digestMismatch``.
    public func getManifest(_ reference: Reference) async throws(RegistryError) -> Raw<Manifest> {
        let found = try await withPullSources(reference) { endpoint throws(RegistryError) in
            try await self.getManifest(reference, at: endpoint)
        }
        guard let found else {
            throw RegistryError(kind: .notFound, message: "\(reference) not found", isTemporary: false)
        }
        return found
    }

    /// GET at one endpoint, verified and decoded.
    func getManifest(_ reference: Reference, at endpoint: RegistryEndpoint) async throws(RegistryError)
        -> Raw<Manifest>
    {
        let url = Self.url(endpoint, "manifests/\(reference.identifier)")
        let request = RegistryRequest(
            .GET, url, headers: Self.manifestHeaders, endpoint: endpoint, scopes: Self.pullScopes(endpoint))
        let response = try await transport.fetch(request, accepted: [200], limit: Self.manifestLimit)
        if let served = try Self.contentDigest(response, method: "GET") {
            let actual = served.recompute(response.body)
            guard actual == served else {
                throw RegistryError.digestMismatch(
                    method: "GET", url: url, expected: "\(served) (Docker-Content-Digest)", actual: actual.description)
            }
        }
        if let wanted = reference.digest {
            let actual = wanted.recompute(response.body)
            guard actual == wanted else {
                throw RegistryError.digestMismatch(
                    method: "GET", url: url, expected: wanted.description, actual: actual.description)
            }
        }
        do {
            return try Raw(manifestBytes: response.body, contentType: response.header("Content-Type"))
        } catch {
            throw RegistryError.invalidResponse(
                method: "GET", url: url, status: response.status, reason: "unusable manifest: \(error)")
        }
    }

    /// Pushes manifest bytes to `reference` (its tag, else its digest) with `Content-Type: mediaType`.
    ///
    /// - Returns: the digest of the bytes; the registry's `Docker-Content-Digest`, when sent, must equal it.
    /// - Throws: ``RegistryError``; also when `reference` carries a digest that is not the digest of `bytes`.
    @discardableResult
    public func putManifest(_ bytes: Data, mediaType: String, to reference: Reference) async throws(RegistryError)
        -> Digest
    {
        let endpoint = try resolve(reference).primary
        let digest = reference.digest.map { $0.recompute(bytes) } ?? Digest.sha256(bytes)
        if let wanted = reference.digest, wanted != digest {
            throw RegistryError(
                kind: .digestMismatch,
                message: "cannot push to \(reference): the manifest bytes have digest \(digest), not \(wanted)",
                isTemporary: false)
        }
        let identifier = reference.tag ?? digest.description
        let url = Self.url(endpoint, "manifests/\(identifier)")
        let request = RegistryRequest(
            .PUT, url, headers: ["Content-Type": mediaType], body: .data(bytes), endpoint: endpoint,
            scopes: Self.pushScopes(endpoint))
        let response = try await transport.fetch(request, accepted: [200, 201, 202, 204], limit: 1 << 20)
        if let stored = try Self.contentDigest(response, method: "PUT") {
            let ours = stored.recompute(bytes)
            guard ours == stored else {
                throw RegistryError.digestMismatch(
                    method: "PUT", url: url, expected: ours.description, actual: "\(stored) (Docker-Content-Digest)")
            }
        }
        return digest
    }

    /// Pushes a manifest kept with its exact bytes (``Raw``), with its own media type.
    @discardableResult
    public func putManifest<Value>(_ raw: Raw<Value>, to reference: Reference) async throws(RegistryError) -> Digest {
        try await putManifest(raw.bytes, mediaType: raw.mediaType, to: reference)
    }

    /// All tags of `repository`'s repository, following `Link: <…>; rel="next"` pages.
    ///
    /// - Parameter pageSize: the `n` to ask for per page; nil lets the registry choose.
    public func listTags(_ repository: Reference, pageSize: Int? = nil) async throws(RegistryError) -> [String] {
        let endpoint = try resolve(repository).primary
        var url = Self.url(endpoint, "tags/list")
        if let pageSize { url = RegistryURL.appendingQuery(url, [("n", String(pageSize))]) }
        var tags: [String] = []
        var visited: Set<String> = []
        while visited.insert(url).inserted {
            let request = RegistryRequest(.GET, url, endpoint: endpoint, scopes: Self.pullScopes(endpoint))
            let response = try await transport.fetch(request, accepted: [200])
            guard let page = try? JSONDecoder().decode(TagPage.self, from: response.body) else {
                throw RegistryError.invalidResponse(
                    method: "GET", url: url, status: 200, reason: "tag list is not {\"name\":…,\"tags\":[…]} JSON")
            }
            tags += page.tags ?? []
            guard let link = response.header("Link"), let next = RegistryURL.nextLink(link) else { return tags }
            guard let resolved = RegistryURL.resolve(next, against: response.url) else {
                throw RegistryError.invalidResponse(
                    method: "GET", url: url, status: 200, reason: "unusable Link header \"\(link)\"")
            }
            url = resolved
        }
        throw RegistryError.invalidResponse(
            method: "GET", url: url, status: 200, reason: "tag list pagination loops back to a page already read")
    }

    /// One page of `GET /v2/<name>/tags/list`.
    private struct TagPage: Decodable {
        let tags: [String]?
    }
}
