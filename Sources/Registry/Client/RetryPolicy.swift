import Foundation

/// When and how long the registry client waits before repeating a request that failed for a temporary reason.
///
/// Temporary failures are HTTP 429, 408 and 5xx other than 501, and connection resets, closes, timeouts and stalls
/// (see ``RegistryError/isTemporary``). The limit is time, not a count: one request (or one upload session) may
/// spend up to ``budget`` waiting between its tries. Delays grow exponentially from ``baseDelay`` up to
/// ``maxDelay`` with random jitter, and the last one is cut to what is left of the budget. A `Retry-After` header
/// (seconds or an HTTP date) replaces the computed delay when it is no longer than ``maxRetryAfter`` and fits in
/// the budget; a longer one ends the retries so the caller sees the error at once.
///
/// With the defaults, a registry that answers 502 for half a minute and then recovers is waited out (about a dozen
/// tries), and one that stays broken is reported after about a minute.
public struct RetryPolicy: Sendable, Equatable {
    /// The total time one request may spend waiting between its tries (`Retry-After` waits included). `.zero`
    /// disables retries.
    public var budget: Duration
    /// An optional cap on the number of tries, including the first; nil leaves only ``budget`` as the limit.
    public var maxAttempts: Int?
    /// Delay before the second try; each further try doubles it.
    public var baseDelay: Duration
    /// Upper bound of the computed (exponential) delay.
    public var maxDelay: Duration
    /// The longest `Retry-After` the client is willing to wait for.
    public var maxRetryAfter: Duration

    /// Creates a policy.
    public init(
        budget: Duration = .seconds(60), maxAttempts: Int? = nil, baseDelay: Duration = .milliseconds(250),
        maxDelay: Duration = .seconds(8), maxRetryAfter: Duration = .seconds(60)
    ) {
        self.budget = max(budget, .zero)
        self.maxAttempts = maxAttempts.map { max(1, $0) }
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Up to 60 s of waiting per request, 250 ms doubling up to 8 s, `Retry-After` honoured up to one minute.
    public static let `default` = RetryPolicy()

    /// No retries at all.
    public static let none = RetryPolicy(budget: .zero, maxAttempts: 1)

    /// The delay before try number `attempt + 1` after try number `attempt` (1-based) failed, or nil to stop.
    ///
    /// - Parameters:
    ///   - waited: the time already spent waiting between earlier tries of the same request.
    ///   - retryAfter: the server's `Retry-After`, already converted to a duration.
    func delay(afterAttempt attempt: Int, waited: Duration = .zero, retryAfter: Duration?) -> Duration? {
        if let maxAttempts, attempt >= maxAttempts { return nil }
        let remaining = budget - waited
        guard remaining > .zero else { return nil }
        if let retryAfter {
            let wait = max(retryAfter, .zero)
            return wait <= maxRetryAfter && wait <= remaining ? wait : nil
        }
        let exponent = min(attempt - 1, 30)
        let computed = min(baseDelay * (1 << exponent), maxDelay)
        // "Equal jitter": half fixed, half random, so concurrent clients spread out but never retry instantly.
        let half = computed / 2
        return min(half + half * Double.random(in: 0...1), remaining)
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
