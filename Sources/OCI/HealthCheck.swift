/// Docker's container health check (`Healthcheck` in a container config). Durations are in nanoseconds.
public struct HealthCheck: Hashable, Sendable, Codable {
    /// The test: `[]` inherit, `["NONE"]` disabled, `["CMD", args…]` or `["CMD-SHELL", command]`.
    public var test: [String]?
    /// Time between checks, nanoseconds.
    public var interval: Int64?
    /// Time before a check is considered hung, nanoseconds.
    public var timeout: Int64?
    /// Start period for the container to initialise, nanoseconds.
    public var startPeriod: Int64?
    /// Time between checks during the start period, nanoseconds.
    public var startInterval: Int64?
    /// Consecutive failures needed to be unhealthy.
    public var retries: Int?

    enum CodingKeys: String, CodingKey {
        case test = "Test"
        case interval = "Interval"
        case timeout = "Timeout"
        case startPeriod = "StartPeriod"
        case startInterval = "StartInterval"
        case retries = "Retries"
    }

    /// Creates a health check.
    public init(
        test: [String]? = nil, interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
        startInterval: Int64? = nil, retries: Int? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}
