import Foundation

/// The one error type of the Registry module: what was being done (method and redacted URL), what the registry
/// answered (HTTP status and decoded `errors[]`), and one line a person can act on.
///
/// ``description`` is that line, e.g.
/// `GET https://ghcr.io/v2/acme/x/manifests/v1: 401 UNAUTHORIZED: authentication required — check credentials for
/// ghcr.io (docker login / credential helper)`. It never contains a URL's user-info, a secret query parameter, an
/// `Authorization` value or any secret registered with ``Redaction``.
///
/// Build errors with the static constructors (``http(method:url:status:body:hint:)``,
/// ``network(method:url:reason:temporary:)``, ``configuration(_:)`` …) or
/// ``init(kind:message:method:url:status:errors:isTemporary:)``.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; use it to decide what to do (retry, report, exit code).
    public let kind: Kind
    /// The HTTP method of the failed request, if the error came from one.
    public let method: String?
    /// The URL of the failed request, redacted (no user-info, secret query values masked).
    public let url: String?
    /// The HTTP status the registry answered, if any.
    public let status: Int?
    /// The decoded `{"errors":[…]}` entries of the response body (empty for HEAD or non-JSON bodies).
    public let errors: [DistributionError]
    /// The explanation and the fix, one line and redacted; ``description`` prefixes method, URL and status.
    public let message: String
    /// True when retrying the same request later may succeed: 408, 429, 5xx except 501/505, the `TOOMANYREQUESTS`
    /// and `UNAVAILABLE` codes, connection resets and timeouts.
    public let isTemporary: Bool
    /// Which side of an ``ImageCopier`` copy the failed operation belonged to (nil outside a copy).
    public internal(set) var side: Side? = nil
    /// How long the registry asked the client to wait before trying again (its `Retry-After`), if it did.
    public internal(set) var retryAfter: Duration? = nil

    /// Creates an error. `url` is redacted and `message` is collapsed to one line and redacted here.
    ///
    /// - Parameter isTemporary: nil derives it from `kind`, `status` and `errors`.
    public init(
        kind: Kind, message: String, method: String? = nil, url: String? = nil, status: Int? = nil,
        errors: [DistributionError] = [], isTemporary: Bool? = nil
    ) {
        self.kind = kind
        self.method = method
        self.url = url.map { Redaction.url($0) }
        self.status = status
        self.errors = errors
        self.message = Redaction.text(Redaction.oneLine(message))
        self.isTemporary = isTemporary ?? Self.derivedTemporary(kind: kind, status: status, errors: errors)
    }

    /// The codes of ``errors``, in order (`["NAME_UNKNOWN"]`).
    public var codes: [String] { errors.map(\.code) }

    /// True when the thing asked for does not exist: the codes `MANIFEST_UNKNOWN` / `BLOB_UNKNOWN`, HTTP 404
    /// without a code that says otherwise (a HEAD 404 has no body), or ``Kind/notFound``. False when the registry
    /// says the *repository* is unknown (`NAME_UNKNOWN`): that is a different problem (wrong name, repository not
    /// created) and must not read as "image does not exist".
    public var isNotFound: Bool {
        if kind == .notFound { return true }
        let codes = Set(self.codes)
        if codes.contains("NAME_UNKNOWN") { return false }
        if codes.contains("MANIFEST_UNKNOWN") || codes.contains("BLOB_UNKNOWN") { return true }
        return status == 404 && codes.isDisjoint(with: Self.notFoundExclusions)
    }

    /// 404 codes that mean something other than "this manifest or blob does not exist".
    private static let notFoundExclusions: Set<String> = [
        "NAME_UNKNOWN", "NAME_INVALID", "BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID",
    ]

    /// True when the registry refused the credentials or the permission (401/403, `UNAUTHORIZED`, `DENIED`), or
    /// the error is of ``Kind/auth`` or ``Kind/credentials``.
    public var isAuthenticationFailure: Bool {
        if kind == .auth || kind == .credentials { return true }
        if status == 401 || status == 403 { return true }
        return codes.contains { $0 == "UNAUTHORIZED" || $0 == "DENIED" }
    }

    /// The host of ``url``, if there is one (`ghcr.io`, `127.0.0.1:5000`).
    public var host: String? {
        url.flatMap(Self.host(ofURL:))
    }

    /// One line: `[METHOD URL: ][STATUS ]message`.
    public var description: String {
        var line = ""
        if let method, let url {
            line += "\(method) \(url): "
        } else if let url {
            line += "\(url): "
        }
        if let status {
            line += "\(status) "
        }
        line += message
        return Redaction.text(line)
    }

    private static func derivedTemporary(kind: Kind, status: Int?, errors: [DistributionError]) -> Bool {
        if kind == .network || kind == .timeout { return true }
        if errors.contains(where: { $0.code == "TOOMANYREQUESTS" || $0.code == "UNAVAILABLE" }) { return true }
        guard let status else { return false }
        switch status {
        case 408, 429: return true
        case 501, 505: return false
        case 500...599: return true
        default: return false
        }
    }

    /// `host[:port]` of an absolute URL string, without user-info; nil when it has none.
    static func host(ofURL url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        return authority.isEmpty ? nil : authority.lowercased()
    }
}
