/// The start of a request (before its body), as given to `FakeHTTPServer`'s `abortRequest` decision.
public struct FakeRequestHead: Sendable {
    /// `GET`, `PUT`, …
    public let method: String
    /// Path plus query as sent.
    public let uri: String
    /// Header fields in the order received.
    public let headers: [(name: String, value: String)]
    /// How many requests the server had received before this one (0 for the first), to fail only the n-th.
    public let index: Int

    /// Creates a head.
    public init(method: String, uri: String, headers: [(name: String, value: String)], index: Int) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.index = index
    }

    /// The first value of header `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
