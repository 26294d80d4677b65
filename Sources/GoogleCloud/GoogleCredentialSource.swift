/// Which source answered for a Google registry host, without secrets (what `auth whoami` shows).
public enum GoogleCredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// A docker credential helper (`docker-credential-NAME`), configured in the docker config file at `configFile`.
    case dockerCredentialHelper(name: String, configFile: String)
    /// A stored `auths` entry of the docker config (user name only: `oauth2accesstoken`, `_json_key` …).
    case dockerConfigEntry(username: String?, configFile: String)
    /// Application Default Credentials: a service-account key.
    case serviceAccount(email: String, keyFile: String)
    /// Application Default Credentials: a gcloud application-default login.
    case authorizedUser(file: String)
    /// Application Default Credentials: the metadata server.
    case metadataServer(host: String)
    /// Not a Google host: the docker config answered (or nothing did).
    case notGoogle
    /// No credentials: requests go anonymous.
    case anonymous

    /// One line: `docker credential helper docker-credential-gcloud (credHelpers in /home/u/.docker/config.json)`.
    public var description: String {
        switch self {
        case .dockerCredentialHelper(let name, let file):
            "docker credential helper docker-credential-\(name) (configured in \(file))"
        case .dockerConfigEntry(let username, let file):
            "docker config entry\(username.map { " for user \($0)" } ?? "") (\(file))"
        case .serviceAccount(let email, let file):
            "Application Default Credentials: service account \(email) (key file \(file))"
        case .authorizedUser(let file):
            "Application Default Credentials: authorized user from gcloud application-default login (\(file))"
        case .metadataServer(let host):
            "Application Default Credentials: metadata server \(host)"
        case .notGoogle:
            "not a Google registry host: docker config credentials only"
        case .anonymous:
            "anonymous (no docker config entry and no Application Default Credentials)"
        }
    }
}
