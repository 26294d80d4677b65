/// The users and grants of `scripts/token-server.py` (its JSON file, which it re-reads on every request).
///
/// Change it mid-test with `RegistryFixture.updateTokenConfig(_:)`, e.g. to "create" a GAR repository by adding
/// it to `projects`.
public struct TokenServerConfig: Codable, Sendable, Equatable {
    /// Who may log in, and what each one may do.
    public var accounts: [Account]
    /// Artifact-Registry style repositories that exist, per project (`"test-project": ["created-repo"]`).
    public var projects: [String: [String]]
    /// What a client without credentials gets (default: nothing, i.e. a token with empty `access`).
    public var anonymousGrants: [Grant]
    /// Token lifetime in seconds (`expires_in`); `nil` = the server's default of 300.
    public var tokenTTL: Int?

    /// Creates a configuration.
    public init(
        accounts: [Account], projects: [String: [String]] = [:], anonymousGrants: [Grant] = [], tokenTTL: Int? = nil
    ) {
        self.accounts = accounts
        self.projects = projects
        self.anonymousGrants = anonymousGrants
        self.tokenTTL = tokenTTL
    }

    enum CodingKeys: String, CodingKey {
        case accounts, projects
        case anonymousGrants = "anonymous_grants"
        case tokenTTL = "token_ttl"
    }

    /// One principal. Give `username` + `password`, or `jsonKey` (matched against a `_json_key` /
    /// `_json_key_base64` login: every field given here must be equal in the presented key), and/or a static
    /// `refreshToken` accepted by `POST grant_type=refresh_token` (a docker config `identitytoken`).
    public struct Account: Codable, Sendable, Equatable {
        /// Login name; `oauth2accesstoken` (alias `_token`) is how GAR access tokens log in.
        public var username: String?
        /// Password (or the access token for `oauth2accesstoken`).
        public var password: String?
        /// Fields a presented service-account key must carry (e.g. `client_email`, `private_key_id`).
        public var jsonKey: [String: String]?
        /// A refresh token that logs in as this account.
        public var refreshToken: String?
        /// What this account may do.
        public var grants: [Grant]

        /// Creates an account.
        public init(
            username: String? = nil, password: String? = nil, jsonKey: [String: String]? = nil,
            refreshToken: String? = nil, grants: [Grant]
        ) {
            self.username = username
            self.password = password
            self.jsonKey = jsonKey
            self.refreshToken = refreshToken
            self.grants = grants
        }

        enum CodingKeys: String, CodingKey {
            case username, password, grants
            case jsonKey = "json_key"
            case refreshToken = "refresh_token"
        }
    }

    /// A permission: on repositories matching a glob (`*` spans `/`), or on `PROJECT/REPO/IMAGE…` names whose
    /// `REPO` is listed under `projects[PROJECT]` (GAR style).
    public struct Grant: Codable, Sendable, Equatable {
        /// fnmatch glob over the repository name (`"*"`, `"team/*"`).
        public var repository: String?
        /// GAR project whose listed repositories this grant covers.
        public var project: String?
        /// Allowed actions (`pull`, `push`, `delete`, or `*`); `nil` = pull and push.
        public var actions: [String]?

        /// A grant on repositories matching `glob`.
        public static func repository(_ glob: String, actions: [String] = ["pull", "push", "delete"]) -> Grant {
            Grant(repository: glob, project: nil, actions: actions)
        }

        /// A grant on the listed repositories of GAR project `name`.
        public static func project(_ name: String, actions: [String] = ["pull", "push"]) -> Grant {
            Grant(repository: nil, project: name, actions: actions)
        }
    }
}
