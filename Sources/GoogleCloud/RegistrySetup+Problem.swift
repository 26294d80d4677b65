extension RegistrySetup {
    /// An input of ``RegistrySetup/init(registriesConf:insecureRegistries:environment:logger:)`` that cannot be
    /// used. The message says what to change; a command line adds the name of its option.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The explicit registries.conf does not exist.
        case missingRegistriesConf(path: String)
        /// An insecure host is not `host[:port]`; `problem` says why (`has a URL scheme`).
        case invalidInsecureHost(String, problem: String)

        /// One line naming the value and the fix.
        public var description: String {
            switch self {
            case .missingRegistriesConf(let path):
                "registries.conf \(path): no such file — pass an existing registries.conf"
            case .invalidInsecureHost(let value, let problem):
                "insecure registry \"\(value)\" \(problem) — write host or host:port, e.g. registry.local:5000"
            }
        }
    }
}
