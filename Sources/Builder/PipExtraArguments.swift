import Foundation

/// Checks `pip_extra_args` before they reach `uv pip install`: options that would change where the install goes
/// (`--target`, `--prefix`, `--system`, `--python`, …), which Python or platform it is for, where uv writes
/// (`--cache-dir`) or which host files it reads (`-r`, `-c`, `-e`, `--config-file`, a local path as a package) are
/// refused with one line quoting only the offending argument, never a file's content.
enum PipExtraArguments {
    /// Why an option is refused, by every spelling uv accepts.
    static let refused: [String: String] = {
        var table: [String: String] = [:]
        func add(_ names: [String], _ reason: String) {
            for name in names { table[name] = reason }
        }
        add(
            ["-t", "--target", "--prefix", "--system", "--user", "--break-system-packages", "-p", "--python"],
            "imagespec installs into the image's /opt/imagespec/site-packages itself; remove it")
        add(
            ["--python-version", "--python-platform", "--managed-python", "--no-managed-python"],
            "imagespec installs for the base image's Python and the spec's platform; set python_version, "
                + "base_image or platform instead")
        add(
            ["--cache-dir", "--directory", "--project"],
            "it makes uv write or look outside imagespec's directories; set UV_CACHE_DIR in the environment instead")
        add(
            [
                "-r", "--requirements", "-c", "--constraints", "--overrides", "--excludes", "-b", "--build-constraints",
                "-e", "--editable", "--config-file", "--cert",
            ],
            "it reads a file from this machine; name the requirements file in requirements or the packages in "
                + "packages (certificates: SSL_CERT_FILE in the environment)")
        add(
            ["--dry-run", "--check", "--output-format"],
            "it would leave the image without its packages; remove it")
        return table
    }()

    /// uv options that take a value (given as the next argument or after `=`).
    static let takesValue: Set<String> = [
        "-r", "--requirements", "-e", "--editable", "--no-editable-package", "-c", "--constraints", "--overrides",
        "--excludes", "-b", "--build-constraints", "--extra", "--cert", "--group", "-t", "--target", "--prefix",
        "--no-binary", "--only-binary", "--python-version", "--python-platform", "--output-format",
        "--torch-backend", "--index", "--default-index", "-i", "--index-url", "--extra-index-url", "-f",
        "--find-links", "--index-strategy", "--keyring-provider", "-P", "--upgrade-package", "--upgrade-group",
        "--resolution", "--prerelease", "--prerelease-package", "--fork-strategy", "--exclude-newer",
        "--exclude-newer-package", "--no-sources-package", "--reinstall-package", "--link-mode", "-C",
        "--config-setting", "--config-settings-package", "--no-build-isolation-package", "--cache-dir",
        "--refresh-package", "-p", "--python", "--color", "--allow-insecure-host", "--directory", "--project",
        "--config-file",
    ]

    /// Options whose value names an index or a place to find packages: an http(s) URL or a local directory (of
    /// wheels) is fine; a local file is not (uv would read it and may quote it).
    static let locations: Set<String> = [
        "--index", "--default-index", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    ]

    /// Returns `arguments` unchanged, or throws for the first refused one. Relative paths are relative to
    /// `workingDirectory` (where uv runs).
    static func check(_ arguments: [String], workingDirectory: String) throws(BuildError) -> [String] {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-" else {
                throw refusal(
                    argument,
                    "it is not a uv option; give packages in packages (a local path would be read from this machine)")
            }
            let (name, inlineValue) = split(argument)
            if let reason = refused[name] {
                throw refusal(argument, reason)
            }
            guard takesValue.contains(name) else { continue }
            var value = inlineValue
            if value == nil, index < arguments.count {
                value = arguments[index]
                index += 1
            }
            if locations.contains(name), let value, !isRemote(value),
                isLocalFile(value, workingDirectory: workingDirectory)
            {
                throw refusal(
                    "\(name) \(value)", "give an http(s) URL or a directory of wheels, not a file of this machine")
            }
        }
        return arguments
    }

    /// The option name and its inline value: `--target=x` → (`--target`, `x`); `-tx` and `-qr x` → the refused or
    /// value-taking short option found in the cluster, with what follows it as the value.
    static func split(_ argument: String) -> (name: String, value: String?) {
        if argument.hasPrefix("--") {
            guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
            return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
        }
        var rest = Substring(argument.dropFirst())
        while let letter = rest.first {
            let name = "-\(letter)"
            rest = rest.dropFirst()
            if refused[name] != nil || takesValue.contains(name) {
                let value = rest.hasPrefix("=") ? rest.dropFirst() : rest
                return (name, value.isEmpty ? nil : String(value))
            }
        }
        return (argument, nil)
    }

    /// Whether `value` names an existing local file that is not a directory.
    static func isLocalFile(_ value: String, workingDirectory: String) -> Bool {
        var path = value
        if path.lowercased().hasPrefix("file://") { path = String(path.dropFirst("file://".count)) }
        if !path.hasPrefix("/") { path = (workingDirectory as NSString).appendingPathComponent(path) }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func isRemote(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
    }

    static func refusal(_ argument: String, _ reason: String) -> BuildError {
        BuildError(.invalidSpec, "pip_extra_args: \"\(argument)\" is not allowed — \(reason)")
    }
}
