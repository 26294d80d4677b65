import AsyncHTTPClient
import Foundation
import NIOCore
import _NIOFileSystem

/// A request body that can be produced again for every attempt, so a retried upload always starts from byte 0.
///
/// A file body re-opens the file on each attempt and streams it in 1 MiB chunks with a known `Content-Length`
/// (never `Transfer-Encoding: chunked`, which some registries refuse); the file is closed when the exchange ends.
enum RequestBody: Sendable {
    /// Bytes in memory (manifests, configs, upload chunks, an empty POST body).
    case data(Data)
    /// `length` bytes from the start of the file at `path`.
    case file(path: String, length: Int64)

    /// The number of bytes sent as `Content-Length`.
    var length: Int64 {
        switch self {
        case .data(let data): Int64(data.count)
        case .file(_, let length): length
        }
    }

    /// Runs `operation` with a fresh AsyncHTTPClient body; a file stays open until `operation` returns.
    ///
    /// With a `watch`, a non-empty body is streamed (256 KiB slices for bytes in memory, 1 MiB chunks for a file)
    /// and each chunk the connection takes is reported to it.
    ///
    /// - Throws: ``RegistryError`` of kind ``RegistryError/Kind/io`` when the file cannot be opened, or whatever
    ///   `operation` throws.
    func withHTTPBody<T>(
        watch: UploadWatch? = nil, _ operation: (HTTPClientRequest.Body) async throws -> T
    ) async throws -> T {
        switch self {
        case .data(let data):
            let buffer = ByteBuffer(bytes: data)
            guard let watch, !data.isEmpty else { return try await operation(.bytes(buffer)) }
            let chunks = ProgressBody(base: Self.slices(of: buffer), watch: watch)
            return try await operation(.stream(chunks, length: .known(Int64(data.count))))
        case .file(let path, let length):
            do {
                return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                    let chunks = handle.readChunks(in: 0..<length, chunkLength: .mebibytes(1))
                    if let watch {
                        return try await operation(
                            .stream(ProgressBody(base: chunks, watch: watch), length: .known(length)))
                    }
                    return try await operation(.stream(chunks, length: .known(length)))
                }
            } catch let error as FileSystemError {
                throw RegistryError.io(path: path, operation: "read for upload", reason: Self.describe(error))
            }
        }
    }

    /// `buffer` in slices of at most `size` bytes (sharing its storage).
    static func slices(of buffer: ByteBuffer, size: Int = 256 * 1024) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var rest = buffer
            while rest.readableBytes > 0, let slice = rest.readSlice(length: min(size, rest.readableBytes)) {
                continuation.yield(slice)
            }
            continuation.finish()
        }
    }

    /// A short reason for a file error (`No such file or directory`), without NIO's multi-line dump.
    static func describe(_ error: any Error) -> String {
        if let fileError = error as? FileSystemError {
            return fileError.message
        }
        return String(describing: error)
    }
}
