import AsyncHTTPClient
import Foundation
import NIOCore
import OCI
import _NIOFileSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RegistryClient {
    /// The default limit of ``getBlob(_:from:limit:)``.
    public static let smallBlobLimit = 32 * 1024 * 1024

    /// Whether the push location of `repository` already has the blob `digest` (HEAD: 200 yes, 404 no).
    public func blobExists(_ digest: Digest, in repository: Reference) async throws(RegistryError) -> Bool {
        let endpoint = try resolve(repository).primary
        let request = RegistryRequest(
            .HEAD, Self.url(endpoint, "blobs/\(digest)"), endpoint: endpoint, scopes: Self.pullScopes(endpoint))
        return try await transport.fetch(request, accepted: [200, 404]).status == 200
    }

    /// Reads a small blob (a config) into memory and verifies its digest.
    ///
    /// - Parameter limit: the most bytes accepted; larger blobs should use ``downloadBlob(_:from:to:size:)``.
    public func getBlob(_ digest: Digest, from repository: Reference, limit: Int = RegistryClient.smallBlobLimit)
        async throws(RegistryError) -> Data
    {
        let data = try await withPullSources(repository) { endpoint throws(RegistryError) -> Data? in
            let url = Self.url(endpoint, "blobs/\(digest)")
            let request = RegistryRequest(.GET, url, endpoint: endpoint, scopes: Self.pullScopes(endpoint))
            let response = try await self.transport.fetch(request, accepted: [200], limit: limit)
            let actual = digest.recompute(response.body)
            guard actual == digest else {
                throw RegistryError.digestMismatch(
                    method: "GET", url: url, expected: digest.description, actual: actual.description)
            }
            return response.body
        }
        guard let data else {
            throw RegistryError(kind: .notFound, message: "blob \(digest) not found in \(repository)")
        }
        return data
    }

    /// Streams the blob `digest` into the file at `path`, verifying the digest (and `size`, when given) while
    /// reading.
    ///
    /// The bytes go to a temporary file next to `path` that is renamed into place only when they verify; on a
    /// mismatch the temporary file is deleted and ``RegistryError/Kind/digestMismatch`` is thrown, so `path` never
    /// holds wrong content. Redirects (e.g. to signed storage URLs) are followed without the registry credentials.
    public func downloadBlob(_ digest: Digest, from repository: Reference, to path: String, size: Int64? = nil)
        async throws(RegistryError)
    {
        let done = try await withPullSources(repository) { endpoint throws(RegistryError) -> Bool? in
            let url = Self.url(endpoint, "blobs/\(digest)")
            let request = RegistryRequest(.GET, url, endpoint: endpoint, scopes: Self.pullScopes(endpoint))
            try await self.transport.execute(request, accepted: [200]) { response in
                try await Self.write(response.body, to: path, digest: digest, size: size, url: url)
            }
            return true
        }
        if done == nil {
            throw RegistryError(kind: .notFound, message: "blob \(digest) not found in \(repository)")
        }
    }

    /// Writes `body` to a temporary file while hashing it, then renames it to `path` if digest and size match.
    static func write(
        _ body: HTTPClientResponse.Body, to path: String, digest: Digest, size: Int64?, url: String
    ) async throws {
        let temporary = "\(path).partial-\(UUID().uuidString.prefix(8))"
        do {
            var hasher = DigestHasher(algorithmOf: digest)
            try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(temporary), options: .newFile(replaceExisting: true)
            ) { handle in
                var writer = handle.bufferedWriter(capacity: .mebibytes(1))
                for try await chunk in body {
                    chunk.withUnsafeReadableBytes { hasher.update($0) }
                    if let size, hasher.count > size {
                        throw RegistryError.invalidResponse(
                            method: "GET", url: url, status: 200,
                            reason: "blob \(digest) is longer than its size \(size)")
                    }
                    try await writer.write(contentsOf: chunk)
                }
                try await writer.flush()
            }
            let actual = hasher.finalize()
            guard actual == digest else {
                throw RegistryError.digestMismatch(
                    method: "GET", url: url, expected: digest.description, actual: actual.description)
            }
            if let size, hasher.count != size {
                throw RegistryError.invalidResponse(
                    method: "GET", url: url, status: 200,
                    reason: "blob \(digest) has \(hasher.count) bytes, its descriptor says \(size)")
            }
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw RegistryError.io(path: path, operation: "move the downloaded blob into place", reason: reason)
            }
        } catch let error as FileSystemError {
            unlink(temporary)
            throw RegistryError.io(path: temporary, operation: "write", reason: error.message)
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
