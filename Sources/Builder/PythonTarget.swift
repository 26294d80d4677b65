import OCI

/// The Python inside a base image: its `major.minor` version and, when known, the interpreter's path.
public struct PythonTarget: Sendable, Hashable, Codable {
    /// `major.minor`, e.g. `3.11`.
    public var version: String
    /// Absolute path of the interpreter in the image (`/usr/bin/python3.11`), when the layers were searched.
    public var interpreter: String?

    /// Creates a target.
    public init(version: String, interpreter: String? = nil) {
        self.version = version
        self.interpreter = interpreter
    }

    /// The `#!` line for console scripts: the interpreter's path, else `/usr/bin/env pythonX.Y` (found on `PATH`).
    public var shebang: String {
        if let interpreter { return "#!\(interpreter)" }
        return "#!/usr/bin/env python\(version)"
    }

    /// uv's `--python-platform` for `platform` (`x86_64-manylinux_2_28`, `aarch64-manylinux_2_28`), or nil.
    public static func wheelPlatform(for platform: Platform) -> String? {
        guard platform.os == "linux" else { return nil }
        switch platform.normalized.architecture {
        case "amd64": return "x86_64-manylinux_2_28"
        case "arm64": return "aarch64-manylinux_2_28"
        default: return nil
        }
    }

    /// `major.minor` of a version such as `3.11.2` or `3.12.0rc1`, or nil when it does not look like one.
    public static func majorMinor(_ text: String) -> String? {
        let parts = text.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let major = Int(parts[0]) else { return nil }
        let minorDigits = parts[1].prefix { $0.isNumber }
        guard let minor = Int(minorDigits), major >= 2 else { return nil }
        return "\(major).\(minor)"
    }

    /// The version from a config's `PYTHON_VERSION` environment entry, if present.
    public static func fromEnvironment(_ env: [String]?) -> PythonTarget? {
        for entry in env ?? [] where entry.hasPrefix("PYTHON_VERSION=") {
            if let version = majorMinor(String(entry.dropFirst("PYTHON_VERSION=".count))) {
                return PythonTarget(version: version)
            }
        }
        return nil
    }

    /// The interpreter found in a layer listing (paths as `tar -t` prints them): `usr/local/bin/python3.X` is preferred
    /// over `usr/bin/python3.X`; among several versions the highest wins.
    public static func fromListing(_ paths: [String]) -> PythonTarget? {
        var best: (rank: Int, minor: Int, path: String)?
        for raw in paths {
            var path = Substring(raw)
            while path.hasPrefix("./") { path = path.dropFirst(2) }
            while path.hasPrefix("/") { path = path.dropFirst() }
            let rank: Int
            let name: Substring
            if path.hasPrefix("usr/local/bin/python3.") {
                rank = 2
                name = path.dropFirst("usr/local/bin/".count)
            } else if path.hasPrefix("usr/bin/python3.") {
                rank = 1
                name = path.dropFirst("usr/bin/".count)
            } else {
                continue
            }
            let suffix = name.dropFirst("python3.".count)
            guard !suffix.isEmpty, suffix.allSatisfy(\.isNumber), let minor = Int(suffix) else { continue }
            if best == nil || (rank, minor) > (best!.rank, best!.minor) {
                best = (rank, minor, "/" + String(path))
            }
        }
        guard let best else { return nil }
        return PythonTarget(version: "3.\(best.minor)", interpreter: best.path)
    }
}
