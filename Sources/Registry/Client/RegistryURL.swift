import Foundation

/// URL helpers for the distribution API: `Location` and `Link` resolution, query building, origin checks.
enum RegistryURL {
    /// Resolves a `Location` (or `Link`) value as a URL reference against the URL of the request that returned it.
    ///
    /// An absolute URL is kept whole (it may point to another host, e.g. signed storage); a path such as
    /// `/v2/a/blobs/uploads/u?_state=x` keeps its query. Returns nil when the value is not a URL reference.
    static func resolve(_ reference: String, against base: String) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, let baseURL = URL(string: base) else { return nil }
        guard let resolved = URL(string: trimmed, relativeTo: baseURL)?.absoluteURL,
            let scheme = resolved.scheme?.lowercased(), scheme == "http" || scheme == "https",
            resolved.host != nil
        else { return nil }
        return resolved.absoluteString
    }

    /// `url` with `name=value` appended to its query (with `&` when it already has one).
    static func appendingQuery(_ url: String, _ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return url }
        let query = items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        let separator = url.contains("?") ? (url.hasSuffix("?") || url.hasSuffix("&") ? "" : "&") : "?"
        return url + separator + query
    }

    /// Percent-encodes a query component (everything but RFC 3986 unreserved characters and `:`).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value
    }

    private static let queryAllowed: CharacterSet = {
        var set = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        set.insert(charactersIn: "-._~:")
        return set
    }()

    /// The `rel="next"` target of an RFC 8288 `Link` header, unresolved (`</v2/a/tags/list?n=2&last=b>`).
    static func nextLink(_ header: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let target = String(rest[rest.index(after: open)..<close])
            let afterTarget = rest[rest.index(after: close)...]
            let paramsEnd = afterTarget.firstIndex(of: "<") ?? afterTarget.endIndex
            let params = afterTarget[..<paramsEnd]
            for param in params.split(separator: ";") {
                let pair = param.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t,\""))
                }
                if pair.count == 2, pair[0].lowercased() == "rel",
                    pair[1].lowercased().split(separator: " ").contains("next")
                {
                    return target
                }
            }
            rest = afterTarget[paramsEnd...]
        }
        return nil
    }

    /// `scheme://host[:port]` of a URL, lowercased, used to decide whether registry credentials may be sent to it.
    static func origin(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host else {
            return nil
        }
        let port = parsed.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host.lowercased()):\(port)"
    }
}
