extension RegistryError {
    /// The coarse category of a ``RegistryError``. An open set: other files may add kinds with
    /// `extension RegistryError.Kind { public static let x = Kind("x") }`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The kind's name, e.g. `http`.
        public let name: String

        /// Creates a kind called `name`.
        public init(_ name: String) {
            self.name = name
        }

        /// The kind's name.
        public var description: String { name }

        /// The registry answered with an unexpected HTTP status.
        public static let http = Kind("http")
        /// Authentication failed: challenge, token endpoint, or refused credentials.
        public static let auth = Kind("auth")
        /// The registry could not be reached, or the connection broke.
        public static let network = Kind("network")
        /// A request or a helper took too long.
        public static let timeout = Kind("timeout")
        /// A configuration file (docker `config.json`, `registries.conf`) or setting is wrong.
        public static let configuration = Kind("configuration")
        /// Credentials could not be obtained (missing or failing credential helper, bad stored entry).
        public static let credentials = Kind("credentials")
        /// Received bytes do not have the digest they should have.
        public static let digestMismatch = Kind("digestMismatch")
        /// The manifest or blob does not exist.
        public static let notFound = Kind("notFound")
        /// The registry's answer could not be understood (missing header, malformed JSON …).
        public static let invalidResponse = Kind("invalidResponse")
        /// The reference is blocked by `registries.conf`.
        public static let blocked = Kind("blocked")
        /// Reading or writing a local file failed.
        public static let io = Kind("io")
        /// The operation was cancelled.
        public static let cancelled = Kind("cancelled")
    }
}
