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
    /// - Throws: ``RegistryError`` of kind ``RegistryError/Kind/io`` when the file cannot be opened, or whatever
    ///   `operation` throws.
    func withHTTPBody<T>(_ operation: (HTTPClientRequest.Body) async throws -> T) async throws -> T {
        switch self {
        case .data(let data):
            return try await operation(.bytes(ByteBuffer(bytes: data)))
        case .file(let path, let length):
            do {
                return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                    let chunks = handle.readChunks(in: 0..<length, chunkLength: .mebibytes(1))
                    return try await operation(.stream(chunks, length: .known(length)))
                }
            } catch let error as FileSystemError {
                throw RegistryError.io(path: path, operation: "read for upload", reason: Self.describe(error))
            }
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
