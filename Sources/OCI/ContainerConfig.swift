/// The `config` object of an image configuration: defaults for containers, with the Docker/OCI key names
/// (`Env`, `Entrypoint`, `Cmd`, …). Absent and `null` fields are nil and are omitted when encoding; an empty
/// array is kept (an empty `Entrypoint` differs from none).
public struct ContainerConfig: Hashable, Sendable, Codable {
    /// User (name or UID, optionally `:group`).
    public var user: String?
    /// Exposed ports, e.g. `80/tcp` (JSON: an object whose keys are the ports and values are `{}`).
    public var exposedPorts: Set<String>?
    /// Environment, `NAME=value` entries.
    public var env: [String]?
    /// Entrypoint argv.
    public var entrypoint: [String]?
    /// Default arguments.
    public var cmd: [String]?
    /// Volume mount points (JSON: an object with `{}` values).
    public var volumes: Set<String>?
    /// Working directory.
    public var workingDir: String?
    /// Labels.
    public var labels: [String: String]?
    /// Signal that stops the container, e.g. `SIGTERM`.
    public var stopSignal: String?
    /// Windows: the command line is already escaped (Docker field).
    public var argsEscaped: Bool?
    /// Shell for the shell form of RUN/CMD/ENTRYPOINT (Docker field).
    public var shell: [String]?
    /// Docker ONBUILD triggers (Docker field).
    public var onBuild: [String]?
    /// Docker health check (Docker field).
    public var healthcheck: HealthCheck?

    enum CodingKeys: String, CodingKey {
        case user = "User"
        case exposedPorts = "ExposedPorts"
        case env = "Env"
        case entrypoint = "Entrypoint"
        case cmd = "Cmd"
        case volumes = "Volumes"
        case workingDir = "WorkingDir"
        case labels = "Labels"
        case stopSignal = "StopSignal"
        case argsEscaped = "ArgsEscaped"
        case shell = "Shell"
        case onBuild = "OnBuild"
        case healthcheck = "Healthcheck"
    }

    /// Creates a container configuration.
    public init(
        user: String? = nil, exposedPorts: Set<String>? = nil, env: [String]? = nil, entrypoint: [String]? = nil,
        cmd: [String]? = nil, volumes: Set<String>? = nil, workingDir: String? = nil, labels: [String: String]? = nil,
        stopSignal: String? = nil, argsEscaped: Bool? = nil, shell: [String]? = nil, onBuild: [String]? = nil,
        healthcheck: HealthCheck? = nil
    ) {
        self.user = user
        self.exposedPorts = exposedPorts
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.volumes = volumes
        self.workingDir = workingDir
        self.labels = labels
        self.stopSignal = stopSignal
        self.argsEscaped = argsEscaped
        self.shell = shell
        self.onBuild = onBuild
        self.healthcheck = healthcheck
    }

    /// Decodes the Docker/OCI JSON form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        user = try container.decodeIfPresent(String.self, forKey: .user)
        exposedPorts = try container.decodeIfPresent([String: EmptyObject].self, forKey: .exposedPorts).map {
            Set($0.keys)
        }
        env = try container.decodeIfPresent([String].self, forKey: .env)
        entrypoint = try container.decodeIfPresent([String].self, forKey: .entrypoint)
        cmd = try container.decodeIfPresent([String].self, forKey: .cmd)
        volumes = try container.decodeIfPresent([String: EmptyObject].self, forKey: .volumes).map { Set($0.keys) }
        workingDir = try container.decodeIfPresent(String.self, forKey: .workingDir)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        stopSignal = try container.decodeIfPresent(String.self, forKey: .stopSignal)
        argsEscaped = try container.decodeIfPresent(Bool.self, forKey: .argsEscaped)
        shell = try container.decodeIfPresent([String].self, forKey: .shell)
        onBuild = try container.decodeIfPresent([String].self, forKey: .onBuild)
        healthcheck = try container.decodeIfPresent(HealthCheck.self, forKey: .healthcheck)
    }

    /// Encodes the Docker/OCI JSON form, omitting nil fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(user, forKey: .user)
        try container.encodeIfPresent(exposedPorts.map(EmptyObject.map), forKey: .exposedPorts)
        try container.encodeIfPresent(env, forKey: .env)
        try container.encodeIfPresent(entrypoint, forKey: .entrypoint)
        try container.encodeIfPresent(cmd, forKey: .cmd)
        try container.encodeIfPresent(volumes.map(EmptyObject.map), forKey: .volumes)
        try container.encodeIfPresent(workingDir, forKey: .workingDir)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(stopSignal, forKey: .stopSignal)
        try container.encodeIfPresent(argsEscaped, forKey: .argsEscaped)
        try container.encodeIfPresent(shell, forKey: .shell)
        try container.encodeIfPresent(onBuild, forKey: .onBuild)
        try container.encodeIfPresent(healthcheck, forKey: .healthcheck)
    }
}
