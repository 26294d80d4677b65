import Foundation

/// What a ``FaultProxy`` does to one request a ``FaultRule`` matches.
public enum ProxyFault: Sendable, Equatable {
    /// Answer `status` without forwarding, with a distribution `errors[]` body and, if given, `Retry-After`.
    case status(Int, retryAfter: RetryAfter? = nil)
    /// Reset the connection (TCP RST) once `bytes` of the request body arrived (`0`: right after the head).
    case resetRequest(afterBytes: Int)
    /// Forward, then send the response head and `bytes` of its body, then reset the connection.
    case resetResponse(afterBytes: Int)
    /// Stop reading the request body once `bytes` arrived and never answer: the client's writes block.
    case stallRequestBody(afterBytes: Int)
    /// Read the whole request, do not forward it, never answer (the connection stays open).
    case stallResponse
    /// Forward, then send the response head and `bytes` of its body, then nothing more (connection kept open).
    case stallResponseBody(afterBytes: Int)
    /// Forward, and flip one byte in the middle of the response body.
    case corruptBody
    /// Forward (the registry acts on the request), then close the connection without answering.
    case dropResponse

    /// A `Retry-After` value in one of its two forms.
    public enum RetryAfter: Sendable, Equatable {
        /// Delta-seconds: `Retry-After: 2`.
        case seconds(Int)
        /// An IMF-fixdate `seconds` from now: `Retry-After: Mon, 07 Dec 2026 12:00:02 GMT`.
        case date(secondsFromNow: Int)

        /// The header value, computed now.
        public var headerValue: String {
            switch self {
            case .seconds(let seconds):
                return String(seconds)
            case .date(let seconds):
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "GMT")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
                // Dates have whole seconds: round up, so the wait is never shorter than asked for.
                let target = (Date().timeIntervalSince1970 + Double(seconds)).rounded(.up)
                return formatter.string(from: Date(timeIntervalSince1970: target))
            }
        }
    }
}
