import Foundation

/// A request as a `FakeHTTPServer` received it: method, target, headers (in order, repeated ones kept) and the
/// complete body.
public struct FakeRequest: Sendable {
    /// `GET`, `HEAD`, `PUT`, …
    public let method: String
    /// The request target as sent: path plus query (`/v2/a/blobs/uploads/?mount=…`).
    public let uri: String
    /// Header fields in the order received.
    public let headers: [(name: String, value: String)]
    /// The complete body (empty for none).
    public let body: Data
    /// Which connection it came on (1, 2, …), to see whether a client reused a connection.
    public let connectionNumber: Int

    /// Creates a request (used by the server; handy for unit tests of handlers).
    public init(
        method: String, uri: String, headers: [(name: String, value: String)], body: Data, connectionNumber: Int = 1
    ) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
        self.connectionNumber = connectionNumber
    }

    /// The path part of `uri` (before `?`).
    public var path: String {
        String(uri.prefix { $0 != "?" })
    }

    /// The decoded query parameters of `uri` (the first value of each name).
    public var query: [String: String] {
        guard let components = URLComponents(string: uri), let items = components.queryItems else { return [:] }
        var result: [String: String] = [:]
        for item in items where result[item.name] == nil {
            result[item.name] = item.value ?? ""
        }
        return result
    }

    /// The first value of header `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Every value of header `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }
}
