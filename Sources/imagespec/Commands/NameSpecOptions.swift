import ArgumentParser
import Foundation
import Spec

/// Options shared by `imagespec name` and `imagespec validate`: how a spec file is read and where its relative
/// paths point.
struct NameSpecOptions: ParsableArguments {
    /// Overrides the directory relative paths are resolved against.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Resolve the spec's relative paths (requirements, copy, source_root) against DIR instead of the spec "
                + "file's directory. flytekit resolves them against the directory pyflyte runs in: pass that "
                + "directory to reproduce its names.",
            valueName: "dir"))
    var cwd: String?

    /// Overrides `platform.machine()`.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The machine flytekit would run on (x86_64, aarch64, arm64); only changes the default platform of a "
                + "localhost: registry. Default: this host.",
            valueName: "machine"))
    var hostMachine: String?

    /// Forces the file syntax.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read the spec as yaml or json (default: by extension; .json is JSON, anything else YAML).",
            valueName: "format"))
    var format: String?

    /// The spec format to use, or a one-line failure for an unknown value.
    func specFormat() throws -> SpecFormat? {
        guard let format else {
            return nil
        }
        guard let parsed = SpecFormat(rawValue: format.lowercased()) else {
            throw CLIFailure("--format \(format): unknown format — use yaml or json")
        }
        return parsed
    }

    /// The naming context for the spec at `path`: `--cwd` or the spec's directory, `--host-machine` or this host.
    func context(forSpecAt path: String) throws -> NamingContext {
        var context = SpecLoader.defaultContext(forSpecAt: path)
        if let cwd {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cwd, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIFailure("--cwd \(cwd): not a directory — pass the directory pyflyte would run in")
            }
            context.workingDirectory =
                cwd.hasPrefix("/")
                ? cwd : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(cwd)
        }
        if let hostMachine {
            context.hostMachine = hostMachine
        }
        return context
    }
}
