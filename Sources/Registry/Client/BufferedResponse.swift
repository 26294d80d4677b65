import Foundation
import NIOHTTP1

/// A registry response read completely into memory (manifests, token answers, tag lists, upload session answers).
struct BufferedResponse: Sendable {
    /// The HTTP status.
    let status: Int
    /// The response headers.
    let headers: HTTPHeaders
    /// The body (empty for HEAD).
    let body: Data
    /// The URL that answered, after redirects; relative `Location` and `Link` values resolve against it.
    let url: String

    /// The first value of header `name`, trimmed; nil when absent or empty.
    func header(_ name: String) -> String? {
        guard let value = headers.first(name: name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }
}
