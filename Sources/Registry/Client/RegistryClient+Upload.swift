import Foundation
import NIOHTTP1
import OCI

extension RegistryClient {
    /// Uploads the file at `path` (`size` bytes, digest `digest`) as a blob of `repository`'s push location.
    ///
    /// Monolithic upload, the mode every registry (GAR, ECR included) supports: `POST …/blobs/uploads/`, then one
    /// `PUT <Location>?digest=` streaming the file with `Content-Length`. A temporary failure (reset, 5xx, 429)
    /// restarts the whole upload — new session, file read again from byte 0.
    public func uploadBlob(from path: String, digest: Digest, size: Int64, to repository: Reference)
        async throws(RegistryError)
    {
        let endpoint = try resolve(repository).primary
        try await upload(.file(path: path, length: size), digest: digest, to: endpoint)
    }

    /// Uploads `data` as a blob (monolithic) and returns its descriptor.
    @discardableResult
    public func uploadBlob(
        _ data: Data, mediaType: String = "application/octet-stream", to repository: Reference
    ) async throws(RegistryError) -> Descriptor {
        let endpoint = try resolve(repository).primary
        let digest = Digest.sha256(data)
        try await upload(.data(data), digest: digest, to: endpoint)
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(data.count))
    }

    /// Uploads content of unknown size in chunks: `POST`, one `PATCH` per chunk (`Content-Range`, `Content-Type:
    /// application/octet-stream`), then `PUT <Location>?digest=` with the digest computed while sending.
    ///
    /// Chunks smaller than `minimumChunkSize` (or the registry's `OCI-Chunk-Min-Length`) are joined first. Some
    /// registries (GAR, ECR) do not support chunked uploads well: prefer ``uploadBlob(from:digest:size:to:)``.
    ///
    /// - Parameter content: makes the byte stream; it is called again when the upload restarts after a temporary
    ///   failure, and must then produce the same bytes.
    @discardableResult
    public func uploadBlob<Chunks: AsyncSequence>(
        streaming content: @Sendable () -> Chunks, mediaType: String = "application/octet-stream",
        minimumChunkSize: Int = 5 * 1024 * 1024, to repository: Reference
    ) async throws(RegistryError) -> Descriptor where Chunks.Element == Data {
        let endpoint = try resolve(repository).primary
        return try await transport.withRetries { () async throws(RegistryError) -> Descriptor in
            let session = try await self.startUpload(at: endpoint)
            let chunkSize = max(minimumChunkSize, session.minimumChunkLength ?? 0, 1)
            var location = session.location
            var hasher = DigestHasher()
            var pending = Data()
            var offset: Int64 = 0
            do {
                for try await piece in content() {
                    hasher.update(piece)
                    pending.append(piece)
                    if pending.count >= chunkSize {
                        location = try await self.patch(pending, at: location, offset: offset, endpoint: endpoint)
                        offset += Int64(pending.count)
                        pending = Data()
                    }
                }
            } catch let error as RegistryError {
                throw error
            } catch {
                throw RegistryError(
                    kind: .io, message: "reading the blob content for \(repository) failed: \(error)",
                    isTemporary: false)
            }
            if !pending.isEmpty {
                location = try await self.patch(pending, at: location, offset: offset, endpoint: endpoint)
                offset += Int64(pending.count)
            }
            let digest = hasher.finalize()
            try await self.finishUpload(at: location, digest: digest, body: nil, endpoint: endpoint)
            return Descriptor(mediaType: mediaType, digest: digest, size: offset)
        }
    }

    /// Mounts blob `digest` from `source`'s repository into `target`'s, without uploading it.
    ///
    /// - Returns: true when mounted (201; `Docker-Content-Digest` checked when sent) or when source and target
    ///   are the same repository and it has the blob; false when the registry declined (202: the upload session
    ///   it opened instead is cancelled), refused the credentials for the mount (401/403), or the two are on
    ///   different registries.
    public func mountBlob(_ digest: Digest, from source: Reference, to target: Reference) async throws(RegistryError)
        -> Bool
    {
        let endpoint = try resolve(target).primary
        let sourceEndpoint = try resolve(source).primary
        guard sourceEndpoint.baseURL == endpoint.baseURL else { return false }
        if sourceEndpoint.repository == endpoint.repository {
            return try await blobExists(digest, in: target)
        }
        let scopes = Self.pushScopes(endpoint) + [TokenScope.repository(sourceEndpoint.repository)]
        let url = RegistryURL.appendingQuery(
            Self.url(endpoint, "blobs/uploads/"),
            [("mount", digest.description), ("from", sourceEndpoint.repository)])
        let request = RegistryRequest(.POST, url, endpoint: endpoint, scopes: scopes)
        let response: BufferedResponse
        do {
            response = try await transport.fetch(request, accepted: [201, 202], limit: 1 << 20)
        } catch {
            // A token server may refuse the source scope outright; an upload without the mount still works (and
            // reports its own, clearer error if the target itself is not writable).
            guard error.isAuthenticationFailure else { throw error }
            logger.debug("mount refused, uploading instead", metadata: ["error": "\(error)"])
            return false
        }
        if response.status == 202 {
            if let location = response.header("Location").flatMap({ RegistryURL.resolve($0, against: response.url) }) {
                await cancelUpload(at: location, endpoint: endpoint)
            }
            return false
        }
        if let mounted = try Self.contentDigest(response, method: "POST"), mounted != digest {
            throw RegistryError.digestMismatch(
                method: "POST", url: url, expected: digest.description, actual: "\(mounted) (Docker-Content-Digest)")
        }
        return true
    }

    // MARK: - Upload steps

    /// POST + PUT as one retryable unit.
    func upload(_ body: RequestBody, digest: Digest, to endpoint: RegistryEndpoint) async throws(RegistryError) {
        try await transport.withRetries { () async throws(RegistryError) in
            let session = try await self.startUpload(at: endpoint)
            try await self.finishUpload(at: session.location, digest: digest, body: body, endpoint: endpoint)
        }
    }

    /// An open upload session.
    struct UploadSession: Sendable {
        /// Where to send the content (absolute URL, query kept).
        let location: String
        /// The registry's `OCI-Chunk-Min-Length`, if it sent one.
        let minimumChunkLength: Int?
    }

    /// `POST /v2/<name>/blobs/uploads/` → 202 + `Location`.
    func startUpload(at endpoint: RegistryEndpoint) async throws(RegistryError) -> UploadSession {
        let url = Self.url(endpoint, "blobs/uploads/")
        let request = RegistryRequest(.POST, url, endpoint: endpoint, scopes: Self.pushScopes(endpoint), retries: false)
        let response = try await transport.fetch(request, accepted: [202], limit: 1 << 20)
        return UploadSession(
            location: try Self.location(response, method: "POST"),
            minimumChunkLength: response.header("OCI-Chunk-Min-Length").flatMap { Int($0) })
    }

    /// `PATCH <location>` with one chunk; returns the next location.
    func patch(_ chunk: Data, at location: String, offset: Int64, endpoint: RegistryEndpoint)
        async throws(RegistryError) -> String
    {
        let end = offset + Int64(chunk.count) - 1
        let headers: HTTPHeaders = ["Content-Type": "application/octet-stream", "Content-Range": "\(offset)-\(end)"]
        let request = RegistryRequest(
            .PATCH, location, headers: headers, body: .data(chunk), endpoint: endpoint,
            scopes: Self.pushScopes(endpoint), retries: false)
        let response = try await transport.fetch(request, accepted: [202, 201, 204], limit: 1 << 20)
        if let range = response.header("Range") {
            let upper = range.split(separator: "-").last.flatMap { Int64($0) }
            guard upper == end else {
                throw RegistryError.invalidResponse(
                    method: "PATCH", url: location, status: response.status,
                    reason: "the registry reports Range \(range) after receiving bytes \(offset)-\(end)")
            }
        }
        guard response.header("Location") != nil else { return location }
        return try Self.location(response, method: "PATCH")
    }

    /// `PUT <location>?digest=` (with the whole blob, or empty after PATCHes); checks `Docker-Content-Digest`.
    func finishUpload(at location: String, digest: Digest, body: RequestBody?, endpoint: RegistryEndpoint)
        async throws(RegistryError)
    {
        let url = RegistryURL.appendingQuery(location, [("digest", digest.description)])
        let request = RegistryRequest(
            .PUT, url, headers: ["Content-Type": "application/octet-stream"], body: body ?? .data(Data()),
            endpoint: endpoint, scopes: Self.pushScopes(endpoint), retries: false)
        let response = try await transport.fetch(request, accepted: [201, 204, 200], limit: 1 << 20)
        if let stored = try Self.contentDigest(response, method: "PUT"), stored != digest {
            throw RegistryError.digestMismatch(
                method: "PUT", url: url, expected: digest.description, actual: "\(stored) (Docker-Content-Digest)")
        }
    }

    /// `DELETE <location>`, best effort: a session left open simply expires on the registry.
    func cancelUpload(at location: String, endpoint: RegistryEndpoint) async {
        let request = RegistryRequest(
            .DELETE, location, endpoint: endpoint, scopes: Self.pushScopes(endpoint), retries: false)
        _ = try? await transport.fetch(request, accepted: [200, 202, 204, 404], limit: 64 * 1024)
    }

    /// The response's `Location`, resolved against the URL that answered (relative or absolute).
    static func location(_ response: BufferedResponse, method: String) throws(RegistryError) -> String {
        guard let value = response.header("Location") else {
            throw RegistryError.invalidResponse(
                method: method, url: response.url, status: response.status,
                reason: "the registry did not send a Location for the upload session")
        }
        guard let resolved = RegistryURL.resolve(value, against: response.url) else {
            throw RegistryError.invalidResponse(
                method: method, url: response.url, status: response.status,
                reason: "unusable upload Location \"\(Redaction.url(value))\"")
        }
        return resolved
    }
}
