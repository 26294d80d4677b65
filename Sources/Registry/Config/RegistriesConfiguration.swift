import Foundation
import TOMLKit

/// Registry endpoints from a containers-registries.conf(5) version 2 file — the file skopeo, podman and buildah
/// share: `[[registry]]` tables with `prefix`, `location`, `insecure`, `blocked`, `mirror-by-digest-only` and
/// `[[registry.mirror]]` tables with `location`, `insecure`, `pull-from-mirror`.
///
/// ```toml
/// [[registry]]
/// prefix = "ghcr.io/acme"
/// location = "127.0.0.1:5000/acme"
///
/// [[registry.mirror]]
/// location = "mirror.internal/acme"
/// ```
///
/// The longest matching `prefix` wins (`host`, `host/namespace…`, or `*.example.com` for any subdomain); its
/// `location` replaces the matched prefix. Unlike containers/image, the rewritten location is also where pushes
/// go (``ResolvedRepository/primary``), so a test can point a real host name at a loopback registry.
public struct RegistriesConfiguration: Sendable {
    /// The file this configuration was read from; nil for the built-in defaults.
    public let path: String?
    /// `unqualified-search-registries`, as written (not used for resolution: references are fully qualified).
    public let unqualifiedSearchRegistries: [String]
    /// Hosts (`host[:port]`, lowercased) treated as `insecure = true` wherever they appear — as the reference's
    /// registry, a `location` or a mirror — in addition to the file (e.g. from `--insecure-registry`).
    public let insecureHosts: Set<String>
    let rules: [RegistryRule]

    /// The defaults: no rewriting, no mirrors; loopback hosts use plain HTTP, all others TLS.
    public init() {
        path = nil
        unqualifiedSearchRegistries = []
        insecureHosts = []
        rules = []
    }

    private init(
        path: String?, unqualifiedSearchRegistries: [String], insecureHosts: Set<String>, rules: [RegistryRule]
    ) {
        self.path = path
        self.unqualifiedSearchRegistries = unqualifiedSearchRegistries
        self.insecureHosts = insecureHosts
        self.rules = rules
    }

    /// This configuration with `hosts` (`host[:port]`) also insecure: plain HTTP allowed, TLS not verified, for
    /// every endpoint on those hosts.
    public func addingInsecureHosts(_ hosts: some Sequence<String>) -> RegistriesConfiguration {
        let added = hosts.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        return RegistriesConfiguration(
            path: path, unqualifiedSearchRegistries: unqualifiedSearchRegistries,
            insecureHosts: insecureHosts.union(added), rules: rules)
    }

    /// Parses `text`, the content of the file at `path` (used in messages only).
    ///
    /// - Throws: ``RegistryError`` of kind `configuration`, one line naming `path` (and the line and column for
    ///   TOML syntax errors) and what is wrong.
    public init(parsing text: String, path: String) throws(RegistryError) {
        if let bad = Self.prefilterProblem(in: text) {
            switch bad.problem {
            case .tableHeader:
                throw .configuration(
                    file: path, line: bad.line, column: bad.column,
                    problem: "invalid TOML: a table header must start with a key (letters, digits, _ or -, or a "
                        + "quoted string), saw \(Self.describe(bad.character))",
                    fix: "fix the syntax, e.g. [[registry]]")
            case .value:
                throw .configuration(
                    file: path, line: bad.line, column: bad.column,
                    problem: "a registries.conf value is a quoted string, true/false, an array or a table, saw "
                        + "\(Self.describe(bad.character)) (numbers, dates and times are not used)",
                    fix: "quote the value, e.g. location = \"mirror.example:5000\"")
            case .bracket:
                throw .configuration(
                    file: path, line: bad.line, column: bad.column,
                    problem: "invalid TOML: \(Self.describe(bad.character)) does not close the innermost open "
                        + "[ or {", fix: "fix the brackets, e.g. mirror = [ { location = \"m.example\" } ]")
            }
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .configuration(
                file: path, line: error.source.begin.line, column: error.source.begin.column,
                problem: "invalid TOML: \(Redaction.oneLine(error.description))", fix: "fix the syntax")
        } catch {
            throw .configuration(file: path, problem: "invalid TOML: \(DecodingProblem.describe(error))")
        }
        let file: RegistriesConfigurationFile
        do {
            file = try TOMLDecoder().decode(RegistriesConfigurationFile.self, from: table)
        } catch {
            throw .configuration(
                file: path, problem: DecodingProblem.describe(error), fix: "see containers-registries.conf(5)")
        }
        for (name, list) in [("insecure", file.registries?.insecure), ("block", file.registries?.block)] {
            if let hosts = list?.registries, !hosts.isEmpty {
                throw .configuration(
                    file: path, problem: "[registries.\(name)] is the version 1 format, which is not supported",
                    fix: "write a [[registry]] table per host with \(name == "block" ? "blocked" : "insecure") = true")
            }
        }
        self.path = path
        self.unqualifiedSearchRegistries =
            file.unqualifiedSearchRegistries ?? file.registries?.search?.registries ?? []
        self.insecureHosts = []
        var rules: [RegistryRule] = []
        for (offset, entry) in (file.registry ?? []).enumerated() {
            rules.append(try Self.validate(entry, number: offset + 1, path: path))
        }
        self.rules = rules
    }

    /// Reads the file at `path`.
    ///
    /// - Throws: ``RegistryError`` when the file cannot be read or is invalid.
    public init(contentsOf path: String) throws(RegistryError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .configuration(
                file: path, problem: "cannot be read (\(Redaction.oneLine(error.localizedDescription)))",
                fix: "check that it exists and is readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .configuration(file: path, problem: "is not UTF-8 text", fix: "save it as UTF-8")
        }
        try self.init(parsing: text, path: path)
    }

    /// Loads the configuration the environment selects: `$IMAGESPEC_REGISTRIES_CONF` (which must exist), else
    /// `$HOME/.config/containers/registries.conf`, else `systemPath`; none of them existing means ``init()``.
    ///
    /// - Throws: ``RegistryError`` when the selected file is unreadable or invalid, or
    ///   `IMAGESPEC_REGISTRIES_CONF` names a missing file.
    public static func load(
        environment: [String: String], systemPath: String = "/etc/containers/registries.conf"
    ) throws(RegistryError) -> RegistriesConfiguration {
        if let explicit = environment["IMAGESPEC_REGISTRIES_CONF"], !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw .configuration(
                    "IMAGESPEC_REGISTRIES_CONF is \(explicit), which does not exist — create the file or fix the "
                        + "variable")
            }
            return try RegistriesConfiguration(contentsOf: explicit)
        }
        for candidate in [userPath(environment: environment), systemPath].compactMap({ $0 }) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return try RegistriesConfiguration(contentsOf: candidate)
            }
        }
        return RegistriesConfiguration()
    }

    /// `$HOME/.config/containers/registries.conf`, or nil without `HOME`.
    static func userPath(environment: [String: String]) -> String? {
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".config/containers/registries.conf")
    }
}
