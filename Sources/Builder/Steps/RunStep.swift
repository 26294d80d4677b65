import Foundation
import OCI
import Runner

/// A step that runs a shell command in the image through the run engine: `apt_packages` or `commands`.
///
/// Everything the step needs besides the image below it is here, so its ``keyInputs`` (what the step cache key
/// covers) and its run cannot disagree.
struct RunStep: Sendable {
    /// `apt` or `commands`.
    var kind: BuildStepKind
    /// The commands as the user wrote them (`apt-get …` for apt): joined with ` && ` they are the history line.
    var commands: [String]
    /// The process environment inside the image during the step (not written to the image).
    var environment: [String]
    /// Host paths bound in for the step only (the apt cache, uv).
    var binds: [RunBind]
    /// Image paths covered by an empty tmpfs during the step (apt's lists).
    var tmpfsMounts: [String]
    /// Layer paths whose changes are noise, dropped from the layer.
    var excludedPaths: [String]

    /// What every run step leaves out of its layer: caches, logs and backups that differ on every run and that a
    /// Docker build would only keep by accident.
    static let noise = [
        "var/cache/apt", "var/lib/apt/lists", "var/log/apt", "var/log/dpkg.log", "var/log/alternatives.log",
        "var/log/bootstrap.log", "var/cache/ldconfig/aux-cache", "var/cache/debconf/config.dat-old",
        "var/cache/debconf/templates.dat-old", "var/lib/dpkg/status-old", "var/lib/dpkg/diversions-old",
        "root/.cache/pip", "root/.cache/uv",
    ]

    /// The spec field the step comes from, for messages.
    var field: String { kind == .apt ? "apt_packages" : "commands" }

    /// The kind of the layer the step makes.
    var layerKind: PlannedLayer.Kind { kind == .apt ? .apt : .commands }

    /// The shell command the step runs: the commands joined with ` && `, as flytekit's Dockerfile `RUN` has them.
    var shellCommand: String { commands.joined(separator: " && ") }

    /// The history's `created_by`, as a Dockerfile build writes it.
    var createdBy: String { "RUN /bin/sh -c \(shellCommand) # imagespec" }

    /// What the step's cache key covers besides its parent.
    var keyInputs: [String] {
        ["run-v1", shellCommand] + environment + ["--"] + binds.map { "\($0.target)\($0.readOnly ? ":ro" : "")" }
            + ["--"] + tmpfsMounts + ["--"] + excludedPaths
    }

    /// `apt-get update && apt-get install -y --no-install-recommends PACKAGES`, with the base's environment and
    /// `DEBIAN_FRONTEND=noninteractive`; apt's download cache on the host (`archives`), never in the layer; its lists
    /// on a tmpfs.
    static func apt(packages: [String], baseEnvironment: [String], archives: String) -> RunStep {
        var environment = baseEnvironment.filter { !$0.hasPrefix("DEBIAN_FRONTEND=") }
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.insert("PATH=\(ImageAssembler.defaultPath)", at: 0)
        }
        environment.append("DEBIAN_FRONTEND=noninteractive")
        return RunStep(
            kind: .apt,
            commands: [
                "apt-get update", "apt-get install -y --no-install-recommends \(packages.joined(separator: " "))",
            ],
            environment: environment,
            binds: [RunBind(source: archives, target: "/var/cache/apt/archives", readOnly: false)],
            tmpfsMounts: ["/var/lib/apt/lists"], excludedPaths: noise)
    }

    /// The spec's `commands` as one step, with the image's final environment (`PATH`, `PYTHONPATH`, the spec's `env`;
    /// not `_F_IMG_ID`, so renaming a spec does not re-run its commands), `uv` at `/usr/bin/uv` and `UV_PYTHON` set
    /// to the image's Python, as flytekit's builder mounts uv for this step.
    static func commands(
        _ commands: [String], imageEnvironment: [String], uv: String?, python: String?
    ) -> RunStep {
        var environment = imageEnvironment.filter { !$0.hasPrefix("_F_IMG_ID=") }
        func add(_ name: String, _ value: String) {
            if !environment.contains(where: { $0.hasPrefix(name + "=") }) { environment.append("\(name)=\(value)") }
        }
        if let python { add("UV_PYTHON", python) }
        add("UV_CACHE_DIR", "/tmp/.uv-cache")
        add("UV_LINK_MODE", "copy")
        return RunStep(
            kind: .commands, commands: commands, environment: environment,
            binds: uv.map { [RunBind(source: $0, target: "/usr/bin/uv", readOnly: true)] } ?? [],
            tmpfsMounts: [], excludedPaths: noise)
    }

    /// The command run: the shell command with a marker line before each command, so a failure names the command
    /// that failed. `printf` always succeeds, so `a || b && c` keeps its meaning.
    var markedCommand: String {
        commands.enumerated().map { "printf '\(Self.markerPrefix)%s\\n' \($0.offset) && \($0.element)" }
            .joined(separator: " && ")
    }

    static let markerPrefix = "::imagespec-command:"

    /// The index of a marker line, or nil for an ordinary output line.
    static func marker(_ line: String) -> Int? {
        guard line.hasPrefix(markerPrefix) else { return nil }
        return Int(line.dropFirst(markerPrefix.count))
    }
}
