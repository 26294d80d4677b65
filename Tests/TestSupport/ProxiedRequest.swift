/// One request a ``FaultProxy`` received, and the fault it applied (nil: forwarded untouched).
public struct ProxiedRequest: Sendable {
    /// The HTTP method.
    public let method: String
    /// The request URI (path and query).
    public let uri: String
    /// The fault applied, if any.
    public let fault: ProxyFault?
    /// When the request head arrived.
    public let received: ContinuousClock.Instant
    /// When the proxy finished answering (or tampering); nil while in progress or for a stall.
    public internal(set) var answered: ContinuousClock.Instant?
}
