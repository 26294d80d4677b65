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

    /// Debug logging of every registry request on standard error.
    @Flag(name: .long, help: "Log every registry request (method, redacted URL, status) on standard error.")
    var verbose = false
}
