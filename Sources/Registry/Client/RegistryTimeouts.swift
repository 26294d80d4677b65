/// How long the registry client waits for a request to make progress, and for it to finish.
///
/// Two different limits:
/// - ``idle``: no progress at all — no chunk of the request body taken by the connection (``UploadWatch``), no
///   byte of the response head or body (AsyncHTTPClient's read timeout) — for this long ends the try with a ``RegistryError/Kind/timeout`` error that names
///   the request and what stalled (a registry that stopped reading an upload, an answer that never comes, a
///   download that stops). It is temporary, so the ``RetryPolicy`` applies to it.
/// - ``request`` and ``upload``: the total time until the response head arrives, however steady the progress, for
///   requests without and with a body.
public struct RegistryTimeouts: Sendable, Equatable {
    /// The longest time without progress on a request body or response.
    public var idle: Duration
    /// The total time allowed until the response head for requests without a body.
    public var request: Duration
    /// The total time allowed for sending a body (an upload) and receiving the response head.
    public var upload: Duration

    /// Creates timeouts.
    public init(idle: Duration = .seconds(30), request: Duration = .seconds(300), upload: Duration = .seconds(7200)) {
        self.idle = idle
        self.request = request
        self.upload = upload
    }

    /// 30 s idle; 5 minutes until the response head, 2 hours for uploads.
    public static let `default` = RegistryTimeouts()
}
