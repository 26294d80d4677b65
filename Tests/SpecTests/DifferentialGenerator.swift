import Foundation
import TestSupport

@testable import Spec

/// One random spec of the differential test, with the directory that holds its files.
struct DifferentialCase: Sendable {
    /// Position in the batch.
    let index: Int
    /// The working directory (flytekit's CWD) holding the spec's files.
    let directory: String
    /// `platform.machine()`.
    let hostMachine: String
    /// The spec as JSON kwargs in the plugin convention.
    let spec: PyDict
    /// Module directory and dotted names Python imports before naming (for `LOADED_MODULES`).
    let imports: (sysPath: String, modules: [String])?
    /// The absolute files of those modules (what `sys.modules` then holds under the directory).
    let loadedModuleFiles: [String]

    /// The naming context matching what the Python process sees.
    var context: NamingContext {
        NamingContext(workingDirectory: directory, hostMachine: hostMachine, loadedModuleFiles: loadedModuleFiles)
    }

    /// The input line for `scripts/flytekit-names.py`.
    var jsonLine: String {
        var entry = PyDict()
        entry[.str("dir")] = .str(directory)
        entry[.str("host_machine")] = .str(hostMachine)
        if let imports {
            entry[.str("imports")] = .dict(
                PyDict([
                    (key: .str("sys_path"), value: .str(imports.sysPath)),
                    (key: .str("modules"), value: .list(imports.modules.map(PyValue.str))),
                ]))
        }
        entry[.str("spec")] = .dict(spec)
        return DifferentialJSON.encode(.dict(entry))
    }

    /// The spec alone as JSON text.
    var specJSON: String { DifferentialJSON.encode(.dict(spec)) }
}

/// Draws random specs and creates the files they name (requirements files with odd bytes, copy trees, source
/// trees with ignore files, symlinks, `.git` directories and importable modules).
struct DifferentialGenerator {
    private var random: DifferentialRandom
    private let base: String
    private var index = 0
    private var directory = ""
    private var importPath: String?
    private var modules: [String] = []
    private var moduleFiles: [String] = []

    /// A generator writing case directories under `base`.
    init(seed: UInt64, base: String) {
        random = DifferentialRandom(seed: seed)
        self.base = base
    }

    /// The next case, its files created.
    mutating func makeCase() throws -> DifferentialCase {
        directory = base + "/\(index)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        importPath = nil
        modules = []
        moduleFiles = []
        let machine = random.pick(["x86_64", "x86_64", "aarch64", "arm64", "ARM64", "amd64", ""])
        let spec = try makeSpec(depth: 0)
        defer { index += 1 }
        return DifferentialCase(
            index: index, directory: directory, hostMachine: machine, spec: spec,
            imports: importPath.map { ($0, modules) }, loadedModuleFiles: moduleFiles)
    }

    // MARK: - Specs

    private mutating func makeSpec(depth: Int) throws -> PyDict {
        var spec = PyDict()
        func set(_ key: String, _ value: PyValue) { spec[.str(key)] = value }
        let fields = ImageSpecField.allCases.map(\.pythonName)
        // Insertion order must not matter: visit the fields in a random order.
        var order = fields
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, random.int(0...i))
        }
        for field in order where random.chance(depth == 0 ? 0.45 : 0.3) {
            switch field {
            case "name":
                set(
                    field,
                    random.chance(0.005) ? .none : .str(random.chance(0.5) ? random.fileName() : random.text(1...16)))
            case "python_version", "cuda", "cudnn":
                set(field, versionValue())
            case "builder", "platform", "pip_index", "pip_extra_args", "python_exec", "registry_config":
                set(field, .str(random.text(0...24)))
            case "registry":
                set(field, registryValue())
            case "packages", "conda_packages", "conda_channels", "apt_packages", "pip_extra_index_url", "entrypoint",
                "commands", "runtime_packages":
                set(field, stringList())
            case "env", "builder_options", "builder_config":
                if field == "builder_options", random.chance(0.01) {
                    set(field, .list([.str("not"), .str("a dict")]))
                } else {
                    set(field, .dict(dictValue(depth: 0)))
                }
            case "requirements":
                set(field, try requirementsValue())
            case "base_image":
                if depth < 2, random.chance(0.35) {
                    set(field, .dict(PyDict([(key: .str("image_spec"), value: .dict(try makeSpec(depth: depth + 1)))])))
                } else {
                    set(
                        field,
                        .str(
                            random.pick([
                                "python:3.11-slim", "ghcr.io/a/b:1.0",
                                "debian@sha256:" + String(repeating: "a", count: 64),
                            ]) + (random.chance(0.3) ? random.text(0...5) : "")))
                }
            case "pip_secret_mounts":
                var pairs: [PyValue] = (0..<random.int(0...3)).map { _ in
                    .list([.str(random.text(1...8)), .str(random.text(1...8))])
                }
                if random.chance(0.02) { pairs.append(.list([.str("only-one")])) }
                set(field, .list(pairs))
            case "tag_format":
                set(
                    field,
                    .str(
                        random.pick(
                            [
                                "{spec_hash}", "{spec_hash}-dev", "v1.2-{spec_hash}", "{spec_hash:.8}",
                                "{spec_hash:>30}",
                                "{spec_hash:*^28}", "{{lit}}-{spec_hash}", "{spec_hash!r}", "{spec_hash[0]}", "",
                                "no-hash",
                                "{spec_hash}{spec_hash}", "x{spec_hash:.0}", "{spec_hash!s:<25}",
                            ] + (random.chance(0.1) ? ["{other}", "{", "{spec_hash:d}", "{0}", "}"] : []))))
            case "source_root":
                try sourceRoot(into: &spec)
            case "source_copy_mode":
                if spec[.str("source_root")] == nil, random.chance(0.95) {
                    continue  // mostly only together with source_root
                }
                set(field, .str(random.pick(["ALL", "LOADED_MODULES", "NO_COPY"])))
            case "copy":
                set(field, try copyValue())
            default:
                break
            }
        }
        return spec
    }

    private mutating func versionValue() -> PyValue {
        switch random.int(0...5) {
        case 0: .str(random.pick(["3.10", "3.11", "3.12", "3.9", "12.1", "8"]))
        case 1: .str(random.text(0...6))
        case 2: .int(random.pick([3, 8, 12, 0, -1, Int.max]))
        default: .float(random.double())
        }
    }

    private mutating func registryValue() -> PyValue {
        let segment = { (random: inout DifferentialRandom) -> String in
            random.pick(["acme", "Org", "my-team", "a.b", "x_y", "ÜNÏ", "δοκιμή", "ユーザー", "org٣", "v1.0"])
        }
        switch random.int(0...19) {
        case 0: return .str("")
        case 1:
            return .str(random.pick(["ghcr.io/my org", "https://ghcr.io/x", "ghcr.io/a:latest/b", "UPPER:99999999"]))
        case 2: return .str("ghcr.io/acme\n")
        case 3: return .str("localhost:\(random.int(1...65535))")
        default:
            var host = random.pick([
                "ghcr.io", "GHCR.IO", "localhost:30000", "Registry.Example.COM:5000", "acme", "us-docker.pkg.dev",
                "127.0.0.1:5000", "host٣٤",
            ])
            for _ in 0..<random.int(0...3) {
                host += "/" + segment(&random)
            }
            return .str(host)
        }
    }

    private mutating func stringList() -> PyValue {
        let count = random.chance(0.05) ? random.int(100...400) : random.int(0...6)
        var items: [PyValue] = (0..<count).map { _ in .str(random.text(0...20)) }
        if random.chance(0.01) {
            items.append(.int(1))
        }
        if random.chance(0.005) {
            return .str("numpy")
        }
        return .list(items)
    }

    private mutating func scalarValue() -> PyValue {
        switch random.int(0...9) {
        case 0: .none
        case 1: .bool(random.chance(0.5))
        case 2: .int(random.pick([0, 1, -7, 42, Int.max, Int.min]))
        case 3: .float(random.double())
        default: .str(random.text(0...16))
        }
    }

    private mutating func dictValue(depth: Int) -> PyDict {
        var dict = PyDict()
        for _ in 0..<random.int(0...5) {
            let key = PyValue.str(random.chance(0.5) ? random.fileName(ascii: true).uppercased() : random.text(0...10))
            let value: PyValue
            switch random.int(0...9) {
            case 0 where depth < 3: value = .dict(dictValue(depth: depth + 1))
            case 1 where depth < 3: value = .list((0..<random.int(0...4)).map { _ in scalarValue() })
            default: value = scalarValue()
            }
            dict[key] = value
        }
        return dict
    }

    // MARK: - Files

    /// Writes a file; a random name that collides with an existing file or directory (`a` vs `a/z.txt`) is
    /// skipped, as the tree is random anyway.
    private mutating func write(_ relative: String, _ bytes: [UInt8]) throws {
        let path = directory + "/" + relative
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TestSupportError("cannot create \(path)")
        }
    }

    private mutating func requirementsValue() throws -> PyValue {
        switch random.int(0...19) {
        case 0: return .str("")
        case 1: return .str(random.chance(0.5) ? random.text(1...8) : "missing-\(random.fileName()).txt")
        default:
            let name =
                random.chance(0.3)
                ? "reqs/" + random.fileName()
                : random.pick(["requirements.txt", "uv.lock", "poetry.lock", random.fileName()])
            try write(name, random.bytes())
            return .str(random.chance(0.2) ? "./" + name : name)
        }
    }

    private mutating func copyValue() throws -> PyValue {
        var entries: [PyValue] = []
        for _ in 0..<random.int(0...4) {
            switch random.int(0...5) {
            case 0:
                // A path that does not exist, sometimes with NUL, control or astral characters (never absolute and
                // without '..', which imagespec rejects on purpose).
                var text = random.chance(0.5) ? random.text(1...8) : "missing-" + random.fileName()
                if text.hasPrefix("/") || text.split(separator: "/").contains("..") {
                    text = "missing-" + random.fileName()
                }
                entries.append(.str(text))
            case 1, 2:
                let tree = "c" + random.fileName(ascii: true)
                try makeTree(tree, git: false, depth: 0, modules: false)
                entries.append(.str(tree))
            default:
                let name = random.fileName()
                try write(name, random.bytes())
                entries.append(.str(random.chance(0.2) ? "./" + name : name))
            }
        }
        return .list(entries)
    }

    private mutating func sourceRoot(into spec: inout PyDict) throws {
        let mode = random.pick(["ALL", "ALL", "LOADED_MODULES", "NO_COPY", "default"])
        let name = "src" + random.fileName(ascii: true)
        let git = mode == "ALL" && random.chance(0.25)
        try makeTree(name, git: git, depth: 0, modules: mode == "LOADED_MODULES" || mode == "default")
        let absolute = random.chance(0.75)
        spec[.str("source_root")] = .str(absolute ? directory + "/" + name : name)
        if mode != "default" {
            spec[.str("source_copy_mode")] = .str(mode)
        }
        if mode == "NO_COPY", random.chance(0.3) {
            spec[.str("source_root")] = .str(random.text(0...12))
        }
    }

    /// A directory tree under the case directory: files with odd names and bytes, ignore files, `__pycache__`,
    /// `.cache`, `.git`, symlinks (to a file, to a directory, dangling), and optionally importable modules.
    private mutating func makeTree(_ root: String, git: Bool, depth: Int, modules: Bool) throws {
        let fileCount = random.int(0...6)
        for _ in 0..<fileCount {
            try write(root + "/" + random.fileName(ascii: git), random.bytes(maximum: 300))
        }
        let extras = [
            "a-b.txt", "a.txt", "a/z.txt", "stray.pyc", "__pycache__/m.cpython-311.pyc", ".cache/x.bin",
            "pkg/__pycache__/n.pyc", ".git/HEAD", "docs/readme.md", "build/out.log", "keep.txt",
        ]
        for extra in extras where random.chance(0.25) && !(git && extra.hasPrefix(".git/")) {
            try write(root + "/" + extra, random.bytes(maximum: 50))
        }
        if random.chance(0.3) {
            let patterns = [
                "*.txt", "!keep.txt", "build/", "**/*.log", "# comment", "docs", "a?c", "[ab]*", "", "  *.bin  ",
            ]
            let chosen = (0..<random.int(1...4)).map { _ in random.pick(patterns) }
            try write(root + "/.dockerignore", Array(chosen.joined(separator: "\n").utf8))
        }
        if git {
            let patterns = ["a.txt", "*.log", "docs/", "pkg/", "!keep.txt", "*.bin"]
            try write(
                root + "/.gitignore",
                Array((0..<random.int(1...3)).map { _ in random.pick(patterns) }.joined(separator: "\n").utf8))
            let gitPath = try ExternalTool.require("git")
            try ExternalTool.run(gitPath, ["init", "-q"], currentDirectory: directory + "/" + root).check()
        }
        if depth < 2, random.chance(0.4) {
            try makeTree(root + "/" + random.fileName(ascii: git), git: false, depth: depth + 1, modules: false)
        }
        let manager = FileManager.default
        let full = directory + "/" + root
        if random.chance(0.2), manager.fileExists(atPath: full + "/a.txt") {
            try? manager.createSymbolicLink(atPath: full + "/link-to-a", withDestinationPath: "a.txt")
        }
        if random.chance(0.15), manager.fileExists(atPath: full + "/docs") {
            try? manager.createSymbolicLink(atPath: full + "/linkdir", withDestinationPath: "docs")
        }
        if random.chance(0.15) {
            try? manager.createSymbolicLink(atPath: full + "/dangling", withDestinationPath: "nowhere")
        }
        if modules {
            let package = "dp\(index)_\(self.modules.count)"
            let module = "dm\(index)_\(self.modules.count)"
            let comment = "# " + random.fileName() + "\n"
            try write(root + "/" + package + "/__init__.py", Array(("X = 1\n" + comment).utf8))
            try write(root + "/" + package + "/mod.py", Array(("Y = 2\n" + comment).utf8))
            try write(root + "/" + module + ".py", Array("Z = 3\n".utf8))
            let sysPath = full
            if importPath == nil || importPath == sysPath {
                importPath = sysPath
                self.modules += [package + ".mod", module]
                moduleFiles += [
                    full + "/" + package + "/__init__.py", full + "/" + package + "/mod.py",
                    full + "/" + module + ".py",
                ]
            }
        }
    }
}
