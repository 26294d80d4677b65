import Foundation
import NIOHTTP1

/// One registry HTTP exchange as the ``Transport`` performs it: method, absolute URL, headers, a restartable body, and
/// the endpoint and token scopes to authenticate with.
struct RegistryRequest: Sendable {
    /// The HTTP method.
    var method: HTTPMethod
    /// The absolute URL.
    var url: String
    /// Request headers. `Authorization` is added by the transport for requests with an ``endpoint``; only requests
    /// without one (the token endpoint) carry their own.
    var headers: HTTPHeaders
    /// The body, produced again for every attempt.
    var body: RequestBody?
    /// The registry whose credentials apply. They are only sent when ``url`` has the endpoint's origin (an upload
    /// `Location` on a storage host gets none). Nil sends no registry credentials at all.
    var endpoint: RegistryEndpoint?
    /// Token scopes for a Bearer challenge, most demanding first (`repository:a/b:pull,push`).
    var scopes: [String]
    /// Whether the transport may repeat this request on a temporary failure. Multi-request sequences (an upload
    /// session) turn this off and retry as a whole instead.
    var retries: Bool

    init(
        _ method: HTTPMethod, _ url: String, headers: HTTPHeaders = [:], body: RequestBody? = nil,
        endpoint: RegistryEndpoint? = nil, scopes: [String] = [], retries: Bool = true
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.endpoint = endpoint
        self.scopes = scopes
        self.retries = retries
    }
}
