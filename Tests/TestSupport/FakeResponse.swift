import Foundation

/// What a `FakeHTTPServer` handler answers: a normal response, a response followed by closing the connection,
/// or an abrupt reset (TCP RST, no response at all).
public struct FakeResponse: Sendable {
    /// What happens on the connection.
    public enum Disposition: Sendable, Equatable {
        /// Send the response; keep the connection open if the client wants that.
        case respond
        /// Send the response with `Connection: close`, then close.
        case respondAndClose
        /// Send nothing and reset the connection (SO_LINGER 0 + close): the client sees ECONNRESET / EOF.
        case reset
    }

    /// The HTTP status code.
    public var status: Int
    /// Header fields. `Content-Length` is added unless present (or `Transfer-Encoding` is set).
    public var headers: [(name: String, value: String)]
    /// The body. For a HEAD request it is not sent, but its size still sets `Content-Length`.
    public var body: Data
    /// What happens on the connection.
    public var disposition: Disposition

    /// Creates a response.
    public init(
        status: Int = 200, headers: [(name: String, value: String)] = [], body: Data = Data(),
        disposition: Disposition = .respond
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = disposition
    }

    /// A response with a UTF-8 text body (no content type unless given).
    public static func text(
        _ status: Int, _ text: String, headers: [(name: String, value: String)] = []
    ) -> FakeResponse {
        FakeResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    /// A response with a JSON body and `Content-Type: application/json`.
    public static func json(
        _ status: Int, _ json: String, headers: [(name: String, value: String)] = []
    ) -> FakeResponse {
        FakeResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(json.utf8))
    }

    /// A distribution-style error: `{"errors":[{"code":CODE,"message":MESSAGE,"detail":null}]}`.
    public static func registryError(
        _ status: Int, code: String, message: String, headers: [(name: String, value: String)] = []
    ) -> FakeResponse {
        let body = try? JSONSerialization.data(
            withJSONObject: ["errors": [["code": code, "message": message, "detail": NSNull()]]],
            options: [.sortedKeys])
        return FakeResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: body ?? Data())
    }

    /// A redirect to `location` (302 unless given).
    public static func redirect(to location: String, status: Int = 302) -> FakeResponse {
        FakeResponse(status: status, headers: [("Location", location)])
    }

    /// Reset the connection without answering.
    public static let reset = FakeResponse(status: 0, disposition: .reset)

    /// The first value of header `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
