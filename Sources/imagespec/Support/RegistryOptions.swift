import ArgumentParser

/// Options every registry-talking verb shares (`inspect`, `exists`, `copy`): where registry endpoints come from,
/// which hosts may use plain HTTP, and how much to log.
struct RegistryOptions: ParsableArguments {
    /// An explicit containers-registries.conf(5) file; otherwise the environment decides.
    @Option(
        name: .customLong("registries-conf"),
        help: ArgumentHelp(
            "containers-registries.conf(5) file to use.",
            discussion: """
                Default: $IMAGESPEC_REGISTRIES_CONF, else ~/.config/containers/registries.conf, else \
                /etc/containers/registries.conf (none of them: no rewriting).
                """,
            valueName: "path"))
    var registriesConf: String?

    /// Hosts that may be reached over plain HTTP or TLS without verification.
    @Option(
        name: .customLong("insecure-registry"),
        help: ArgumentHelp(
            "Allow plain HTTP (or unverified TLS) for this registry host[:port]; repeatable.",
            discussion: "Loopback hosts (127.0.0.1, localhost, ::1) use plain HTTP anyway.",
            valueName: "host"))
    var insecureRegistries: [String] = []

    /// The idle (no progress) timeout of each registry request, in seconds.
    @Option(
        name: .customLong("registry-idle-timeout"),
        help: ArgumentHelp(
            "Fail a registry request that makes no progress for this many seconds (then retried).",
            discussion: """
                No byte of an upload taken by the registry, or no byte of its answer, for this long ends the try                 with one line naming the request. Default: $IMAGESPEC_REGISTRY_IDLE_TIMEOUT, else 30; 0 turns it                 off.
                """,
            valueName: "seconds"))
    var idleTimeout: String?

    /// How long one registry request may spend waiting between retries, in seconds.
    @Option(
        name: .customLong("registry-retry-budget"),
        help: ArgumentHelp(
            "Retry a registry request that failed for a temporary reason for up to this many seconds of waiting.",
            discussion: """
                Temporary: 429, 408, 5xx, resets, timeouts and stalls; waits grow from 0.25 s to 8 s with jitter,                 or follow Retry-After. Default: $IMAGESPEC_REGISTRY_RETRY_BUDGET, else 60; 0 turns retries off.
                """,
            valueName: "seconds"))
    var retryBudget: String?

    /// Debug logging of every registry request on standard error.
    @Flag(name: .long, help: "Log every registry request (method, redacted URL, status) on standard error.")
    var verbose = false
}
