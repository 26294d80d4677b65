import Foundation

extension RegistryError {
    /// A request made no progress for `idle`: the registry stopped reading the body (`bodySent` false), or sent
    /// no answer after the whole body was handed to the connection (true: its last bytes may still wait in
    /// buffers). A response that stops is ``idleRead(method:url:after:)``.
    static func stalled(method: String, url: String, after idle: Duration, bodySent: Bool) -> RegistryError {
        let host = host(ofURL: url) ?? "the registry"
        let what =
            bodySent
            ? "stalled: \(host) neither took the rest of the request body nor answered for \(format(idle))"
            : "stalled: \(host) took no more of the request body for \(format(idle))"
        return RegistryError(
            kind: .timeout, message: "\(what) (idle timeout) — \(idleHint)", method: method.uppercased(), url: url,
            isTemporary: true)
    }

    /// No byte of the response (head or body) arrived for `idle`.
    static func idleRead(method: String, url: String, after idle: Duration) -> RegistryError {
        let host = host(ofURL: url) ?? "the registry"
        return RegistryError(
            kind: .timeout, message: "no data from \(host) for \(format(idle)) (idle timeout) — \(idleHint)",
            method: method.uppercased(), url: url, isTemporary: true)
    }

    /// What to do about a stall.
    private static let idleHint =
        "check the network and the registry, or raise the idle timeout (--registry-idle-timeout)"

    /// The registry could not be reached or the connection broke (`connection refused`, `connection reset by
    /// peer`, DNS failure, TLS failure).
    ///
    /// - Parameters:
    ///   - reason: what failed, in a few words (e.g. `connection refused`); redacted here.
    ///   - temporary: whether a retry may help; true for resets and refusals, false for TLS or DNS failures.
    public static func network(method: String, url: String, reason: String, temporary: Bool = true) -> RegistryError {
        let host = host(ofURL: url) ?? "the registry"
        return RegistryError(
            kind: .network,
            message: "\(reason) — check that \(host) is reachable (registry running? host name, port, proxy, TLS?)",
            method: method.uppercased(), url: url, isTemporary: temporary)
    }

    /// A request got no answer in time.
    public static func timeout(method: String, url: String, after duration: Duration) -> RegistryError {
        let host = host(ofURL: url) ?? "the registry"
        return RegistryError(
            kind: .timeout,
            message: "no answer from \(host) within \(Self.format(duration)) — check the network, or retry later",
            method: method.uppercased(), url: url, isTemporary: true)
    }

    /// The registry answered something this client cannot use (missing `Location`, malformed JSON, wrong
    /// content type).
    public static func invalidResponse(
        method: String, url: String, status: Int? = nil, reason: String
    ) -> RegistryError {
        RegistryError(
            kind: .invalidResponse, message: reason, method: method.uppercased(), url: url, status: status,
            isTemporary: false)
    }

    /// Received bytes do not hash to the digest they were asked for by.
    public static func digestMismatch(
        method: String, url: String, expected: String, actual: String
    ) -> RegistryError {
        RegistryError(
            kind: .digestMismatch,
            message: "digest mismatch: expected \(expected), got \(actual) — the registry returned other bytes "
                + "than asked for; retry, and report it to the registry's owner if it persists",
            method: method.uppercased(), url: url, isTemporary: false)
    }

    /// Authentication against `host` failed for a reason other than an HTTP status (e.g. a token endpoint that
    /// answers without a token, or an unusable challenge).
    public static func auth(host: String, _ problem: String) -> RegistryError {
        RegistryError(kind: .auth, message: "\(host): \(problem)", isTemporary: false)
    }

    /// A configuration problem; `message` names the file or setting and the fix.
    public static func configuration(_ message: String) -> RegistryError {
        RegistryError(kind: .configuration, message: message, isTemporary: false)
    }

    /// A configuration file problem, formatted `path[:line[:column]]: problem — fix`.
    public static func configuration(
        file: String, line: Int? = nil, column: Int? = nil, problem: String, fix: String? = nil
    ) -> RegistryError {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        var message = "\(location): \(problem)"
        if let fix, !fix.isEmpty { message += " — \(fix)" }
        return RegistryError(kind: .configuration, message: message, isTemporary: false)
    }

    /// Credentials could not be obtained; `message` names the helper or entry and the fix.
    public static func credentials(_ message: String) -> RegistryError {
        RegistryError(kind: .credentials, message: message, isTemporary: false)
    }

    /// A local file operation failed.
    public static func io(path: String, operation: String, reason: String) -> RegistryError {
        RegistryError(kind: .io, message: "\(path): cannot \(operation): \(reason)", isTemporary: false)
    }

    /// The operation was cancelled.
    public static func cancelled(method: String? = nil, url: String? = nil) -> RegistryError {
        RegistryError(
            kind: .cancelled, message: "cancelled", method: method?.uppercased(), url: url, isTemporary: false)
    }

    /// `30 s`, `1.5 s`, `250 ms`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return String(format: "%.1f s", Double(milliseconds) / 1000)
    }
}
