/// How a `RegistryFixture` authenticates clients.
public enum RegistryAuthMode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Anyone may pull and push.
    case none
    /// HTTP Basic against an htpasswd (bcrypt) file: `WWW-Authenticate: Basic realm="basic-realm"`.
    case basic
    /// Docker token auth: `WWW-Authenticate: Bearer realm="http://127.0.0.1:T/token",service="registry.test"`,
    /// tokens issued by the project's `scripts/token-server.py`.
    case token

    /// `none`, `basic` or `token`.
    public var description: String { rawValue }
}
