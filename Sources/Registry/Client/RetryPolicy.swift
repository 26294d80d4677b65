import Foundation

/// When and how long the registry client waits before repeating a request that failed for a temporary reason.
///
/// Temporary failures are HTTP 429, 408 and 5xx other than 501, and connection resets, closes and timeouts (see
/// ``RegistryError/isTemporary``). Delays grow exponentially from ``baseDelay`` up to ``maxDelay`` with random jitter;
/// a `Retry-After` header (seconds or an HTTP date) replaces the computed delay when it is no longer than
/// ``maxRetryAfter``. A longer `Retry-After` ends the retries so the caller sees the error at once.
public struct RetryPolicy: Sendable, Equatable {
    /// Total number of tries for one operation, including the first. `1` disables retries.
    public var maxAttempts: Int
    /// Delay before the second try; each further try doubles it.
    public var baseDelay: Duration
    /// Upper bound of the computed (exponential) delay.
    public var maxDelay: Duration
    /// The longest `Retry-After` the client is willing to wait for.
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Four tries, 250 ms doubling up to 8 s, `Retry-After` honoured up to one minute.
    public static let `default` = RetryPolicy()

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before try number `attempt + 1` after try number `attempt` (1-based) failed, or nil to stop.
    ///
    /// - Parameter retryAfter: the server's `Retry-After`, already converted to a duration.
    func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        if let retryAfter {
            return retryAfter <= maxRetryAfter ? max(retryAfter, .zero) : nil
        }
        let exponent = min(attempt - 1, 30)
        let computed = min(baseDelay * (1 << exponent), maxDelay)
        // "Equal jitter": half fixed, half random, so concurrent clients spread out but never retry instantly.
        let half = computed / 2
        return half + half * Double.random(in: 0...1)
    }

    /// Parses a `Retry-After` value: delta-seconds (`"2"`) or an HTTP date (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
    ///
    /// - Returns: the time to wait from `now` (zero for a date in the past), or nil when the value is unreadable.
    static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed) {
            return seconds >= 0 ? .seconds(seconds) : nil
        }
        for format in httpDateFormats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                let interval = date.timeIntervalSince(now)
                return interval > 0 ? .milliseconds(Int64((interval * 1000).rounded(.up))) : .zero
            }
        }
        return nil
    }

    /// IMF-fixdate, then the obsolete RFC 850 and asctime forms that RFC 9110 still asks recipients to accept.
    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",
        "EEEE, dd-MMM-yy HH:mm:ss zzz",
        "EEE MMM d HH:mm:ss yyyy",
    ]
}
