import Foundation
import Spec

/// Spec values flytekit accepts (and hashes as they are) but that give a broken or wrong image: refused before any
/// build work, one line naming the field. Naming is not affected: the image name is still flytekit's.
extension BuildPlan {
    /// The spec's `env` as image environment entries. Numbers and booleans become their Python `str()` text, as
    /// flytekit writes them into the Dockerfile; a list, mapping or null value, and a name that is empty or holds
    /// `=`, whitespace or NUL, are refused (docker would fail on flytekit's `ENV` line, or set something else).
    static func environment(_ spec: ImageSpec) throws(BuildError) -> [EnvironmentVariable] {
        guard case .dict(let dict)? = spec.value(of: .env) else { return [] }
        for entry in dict.entries {
            guard case .str(let name) = entry.key else {
                throw BuildError(
                    .invalidSpec,
                    "env: the variable name \(PythonRepr.repr(entry.key)) is not a string — quote it")
            }
            let shown = PythonRepr.repr(entry.key)
            if name.isEmpty {
                throw BuildError(.invalidSpec, "env: a variable has an empty name — remove it or name it")
            }
            if name.contains("=") {
                throw BuildError(
                    .invalidSpec,
                    "env: the variable name \(shown) contains '=' — a name cannot hold '=' (the image would set "
                        + "another variable); put the text after '=' into the value")
            }
            if name.unicodeScalars.contains(where: { $0 == "\0" || $0.properties.isWhitespace }) {
                throw BuildError(
                    .invalidSpec, "env: the variable name \(shown) contains whitespace or NUL — use a plain name")
            }
            switch entry.value {
            case .list, .tuple, .dict:
                throw BuildError(
                    .invalidSpec,
                    "env.\(name) is a list or mapping (\(PythonRepr.repr(entry.value))) — an environment variable "
                        + "holds text: give a string")
            case .none:
                throw BuildError(
                    .invalidSpec, "env.\(name) is null — give a string (write \(name): \"\" for an empty value)")
            case .str(let value) where value.unicodeScalars.contains("\0"):
                throw BuildError(.invalidSpec, "env.\(name) contains a NUL character — remove it")
            default:
                break
            }
        }
        return (spec.env ?? []).map { EnvironmentVariable(name: $0.name, value: $0.value) }
    }

    /// The spec's `python_version`, checked to be a version (`3`, `3.11`, `3.11.4`, `3.13.0rc1`); nil when unset or
    /// empty.
    static func pythonVersion(_ spec: ImageSpec) throws(BuildError) -> String? {
        guard let version = spec.pythonVersion, !version.isEmpty else { return nil }
        let pattern = #"^[0-9]+(\.[0-9]+){0,2}((a|b|rc)[0-9]+)?$"#
        guard version.range(of: pattern, options: .regularExpression) != nil else {
            throw BuildError(
                .invalidSpec,
                "python_version \"\(version)\" is not a Python version — write e.g. python_version: \"3.11\"")
        }
        return version
    }

    /// Refuses a base whose Python is not the spec's `python_version` (packages would be installed for the base's
    /// Python, not the one the spec asks for).
    func checkPython(of base: ResolvedBase) throws(BuildError) {
        guard let wanted = pythonVersion else { return }
        let parts = wanted.split(separator: ".")
        let matches: Bool
        if parts.count == 1 {
            matches = base.python.version.split(separator: ".").first == parts[0]
        } else {
            matches = PythonTarget.majorMinor(wanted) == base.python.version
        }
        guard !matches else { return }
        throw BuildError(
            .invalidSpec,
            "python_version \"\(wanted)\" does not match base image \(base.reference), which has Python "
                + "\(base.python.version) — set python_version: \"\(base.python.version)\" (or remove it), or use a "
                + "base image with Python \(wanted) (e.g. python:\(wanted)-slim)")
    }
}
