import AsyncHTTPClient
import Foundation
import NIOCore
import _NIOFileSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Transport {
    /// Turns an error thrown by AsyncHTTPClient, NIO or the file system into a ``RegistryError``.
    ///
    /// Connection resets and closes, broken pipes and timeouts are temporary (retried); a refused connection, a
    /// DNS or TLS failure is not, so a registry that is down is reported at once.
    ///
    /// - Parameters:
    ///   - idle: the idle timeout in force (AsyncHTTPClient's read timeout), for its message.
    ///   - total: the total timeout in force (AsyncHTTPClient's deadline), for its message.
    static func classify(
        _ error: any Error, method: String, url: String, idle: Duration = RegistryTimeouts.default.idle,
        total: Duration = RegistryTimeouts.default.request
    ) -> RegistryError {
        if let error = error as? RegistryError { return error }
        if error is CancellationError || Task.isCancelled {
            return .cancelled(method: method, url: url)
        }
        if let error = error as? HTTPClientError {
            return classify(httpClientError: error, method: method, url: url, idle: idle, total: total)
        }
        if let error = error as? IOError {
            return classify(errno: error.errnoCode, method: method, url: url)
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout(let amount):
                return .timeout(method: method, url: url, after: .nanoseconds(amount.nanoseconds))
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                return .network(method: method, url: url, reason: "connection closed by the server")
            default:
                return .network(method: method, url: url, reason: "connection error (\(error))", temporary: false)
            }
        }
        if let error = error as? FileSystemError {
            return RegistryError(
                kind: .io, message: "local file error: \(error.message)", method: method, url: url, isTemporary: false)
        }
        let typeName = String(reflecting: type(of: error))
        let text = String(describing: error)
        if typeName.contains("NIOConnectionError") {
            if text.contains("DNS error") || text.contains("dnsAError") || text.contains("dnsAAAAError") {
                let host = RegistryError.host(ofURL: url) ?? "the host"
                return .network(
                    method: method, url: url, reason: "cannot resolve the host name of \(host)", temporary: false)
            }
            if let errno = firstErrno(in: error) {
                return classify(errno: errno, method: method, url: url)
            }
            return .network(method: method, url: url, reason: "cannot connect", temporary: false)
        }
        if typeName.contains("NIOSSL") || typeName.contains("TLS") {
            return .network(method: method, url: url, reason: "TLS failure (\(text))", temporary: false)
        }
        return .network(method: method, url: url, reason: "request failed (\(text))", temporary: false)
    }

    private static func classify(
        httpClientError error: HTTPClientError, method: String, url: String, idle: Duration, total: Duration
    ) -> RegistryError {
        switch error {
        case .remoteConnectionClosed:
            return .network(method: method, url: url, reason: "connection closed by the server")
        case .readTimeout, .writeTimeout:
            return .idleRead(method: method, url: url, after: idle)
        case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
            return .network(method: method, url: url, reason: "connection timed out")
        case .deadlineExceeded:
            return .timeout(method: method, url: url, after: total)
        case .cancelled, .requestStreamCancelled:
            if Task.isCancelled { return .cancelled(method: method, url: url) }
            return .network(method: method, url: url, reason: "request cancelled by the HTTP client")
        case .bodyLengthMismatch:
            return RegistryError(
                kind: .io,
                message: "the upload body is not as long as its Content-Length — did the file change while "
                    + "uploading?",
                method: method, url: url, isTemporary: false)
        case .redirectLimitReached, .redirectCycleDetected:
            return .invalidResponse(method: method, url: url, reason: "too many redirects (or a redirect loop)")
        case .invalidURL, .emptyHost, .emptyScheme:
            return .invalidResponse(method: method, url: url, reason: "not a usable http(s) URL")
        default:
            return .network(method: method, url: url, reason: "HTTP client error (\(error))", temporary: false)
        }
    }

    private static func classify(errno code: Int32, method: String, url: String) -> RegistryError {
        let reason = String(cString: strerror(code)).lowercased()
        switch code {
        case ECONNRESET, EPIPE, ECONNABORTED, ETIMEDOUT:
            return .network(method: method, url: url, reason: reason)
        default:
            return .network(method: method, url: url, reason: reason, temporary: false)
        }
    }

    /// The errno of the first `IOError` inside a composite connection error, found by reflection (NIOPosix's
    /// `NIOConnectionError` is not visible to this module).
    private static func firstErrno(in error: any Error) -> Int32? {
        var queue: [Any] = [error]
        var visited = 0
        while !queue.isEmpty, visited < 64 {
            let value = queue.removeFirst()
            visited += 1
            if let ioError = value as? IOError { return ioError.errnoCode }
            queue.append(contentsOf: Mirror(reflecting: value).children.map(\.value))
        }
        return nil
    }
}
