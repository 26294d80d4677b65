import Foundation
import TestSupport
import Testing

@testable import Spec

/// Our `copy`/`source_root` digests against flytekit's own `compute_digest` and `ls_files` (the project venv's
/// flytekit 1.16.31), on trees with every rule in play: .gitignore in a work tree, a .dockerignore with negation,
/// `**`, `?`, classes, parent-directory matches, upper case, CRLF and comments, standard ignores, nested `.git`
/// directories, symlinks to files and directories, dangling symlinks, a socket, non-ASCII and Greek names.
@Suite("flytekit file digests (differential)", .serialized)
struct FilesDifferentialTests {
    static let flytekitScript = """
        import json, os, socket, sys
        req = json.load(sys.stdin)
        os.chdir(req['cwd'])
        for path in req.get('sockets', []):
            s = socket.socket(socket.AF_UNIX)
            s.bind(path)
            s.close()
        from flytekit.constants import CopyFileDetection
        from flytekit.tools.fast_registration import compute_digest
        from flytekit.tools.ignore import DockerIgnore, GitIgnore, IgnoreGroup, StandardIgnore
        from flytekit.tools.script_mode import ls_files
        def group(root):
            return IgnoreGroup(root, [GitIgnore, DockerIgnore, StandardIgnore])
        out = {'roots': {}, 'copy': None, 'loaded': None}
        for root in req.get('roots', []):
            files, digest = ls_files(root, CopyFileDetection.ALL, deref_symlinks=False, ignore_group=group(root))
            out['roots'][root] = [digest, [os.path.relpath(f, root) for f in files]]
        if req.get('copies') is not None:
            out['copies'] = [compute_digest(paths, None) for paths in req['copies']]
        if req.get('import'):
            imp = req['import']
            sys.path.insert(0, imp['sys_path'])
            import importlib
            for name in imp['modules']:
                importlib.import_module(name)
            root = imp['root']
            files, digest = ls_files(root, CopyFileDetection.LOADED_MODULES, ignore_group=group(root))
            module_files = [m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)]
            out['loaded'] = [digest, [os.path.relpath(f, root) for f in files], module_files]
        json.dump(out, sys.stdout)
        """

    /// Runs flytekit on `request` (with `cwd` set) and returns its JSON answer.
    static func flytekit(_ request: [String: Any], environment: [String: String] = [:]) throws -> [String: Any] {
        let python = try TestEnvironment.requireVenvPython()
        let input = try JSONSerialization.data(withJSONObject: request)
        var env = environment
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        let result = try ExternalTool.run(
            python, ["-c", flytekitScript], environment: env, input: input,
            timeout: .seconds(120)
        ).check()
        return try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
    }

    /// Writes `files` (path → content; `"->target"` makes a symlink, a trailing `/` a directory) under `base`.
    static func makeTree(_ base: String, _ files: [(String, String)]) throws {
        let manager = FileManager.default
        for (path, content) in files {
            let full = base + "/" + path
            if path.hasSuffix("/") {
                try manager.createDirectory(atPath: full, withIntermediateDirectories: true)
                continue
            }
            try manager.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            if content.hasPrefix("->") {
                try manager.createSymbolicLink(atPath: full, withDestinationPath: String(content.dropFirst(2)))
            } else {
                try Data(content.utf8).write(to: URL(fileURLWithPath: full))
            }
        }
    }

    static let richTree: [(String, String)] = [
        ("proj/.gitignore", "build/\n*.log\nsecret.txt\n"),
        (
            "proj/.dockerignore",
            "# comment\n  *.md  \n!README.md\ndocs/**\n!docs/keep/**\nDATA/\n**/*.tmp\n?.cfg\n[a-c]*.ini\n"
                + "tests/*/fixtures\n\r\nvendor\r\n/abs/\n./dot/\nασ.*\n #not-a-comment\n!\n..\nlink*\n!link_to_main.py\n"
        ),
        ("proj/README.md", "# readme\n"), ("proj/CHANGES.md", "changes\n"), ("proj/main.py", "print('main')\n"),
        ("proj/app.log", "log\n"), ("proj/secret.txt", "s3cret\n"), ("proj/build/out.bin", "bin\n"),
        ("proj/docs/a.txt", "a\n"), ("proj/docs/keep/b.txt", "b\n"), ("proj/data/x.csv", "1,2\n"),
        ("proj/a.tmp", "t\n"), ("proj/sub/b.tmp", "t\n"), ("proj/sub/c.py", "c = 1\n"), ("proj/x.cfg", "x\n"),
        ("proj/xy.cfg", "xy\n"), ("proj/alpha.ini", "a\n"), ("proj/delta.ini", "d\n"),
        ("proj/tests/unit/fixtures/f.json", "{}\n"), ("proj/tests/unit/test_a.py", "def test(): pass\n"),
        ("proj/tests/integration/test_b.py", "b\n"), ("proj/tests/e2e/test_c.py", "c\n"),
        ("proj/vendor/v.py", "v\n"), ("proj/abs/z", "z\n"), ("proj/dot/d", "d\n"), ("proj/naïve.py", "n\n"),
        ("proj/ΑΣ.txt", "sigma\n"), ("proj/ΑΣ", "final sigma\n"), ("proj/Straße.PY", "ss\n"),
        ("proj/__pycache__/m.cpython-311.pyc", "pyc\n"), ("proj/pkg/__pycache__/n.pyc", "pyc\n"),
        ("proj/pkg/__init__.py", ""), ("proj/.cache/c", "cache\n"), ("proj/stray.pyc", "pyc\n"),
        ("proj/link_to_main.py", "->main.py"), ("proj/linkdir", "->docs"), ("proj/dangling", "->nowhere"),
        ("proj/linkother", "->sub/c.py"), ("proj/sub/.git/config", "nested git dir\n"), ("proj/.gitkeep", ""),
        ("proj/a-b.txt", "dash\n"), ("proj/a/z.txt", "slash\n"), ("proj/empty/", ""),
    ]

    @Test("source_root ALL: absolute and relative roots, in a git work tree")
    func sourceRootAll() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-diff")
        defer { removeWorkingDirectory(directory) }
        try Self.makeTree(directory, Self.richTree)
        let git = try ExternalTool.require("git")
        try ExternalTool.run(git, ["init", "-q"], currentDirectory: directory + "/proj").check()
        let roots = [directory + "/proj", "proj", "./proj/", directory + "/proj/tests", "proj/sub"]
        let answer = try Self.flytekit(["cwd": directory, "roots": roots, "sockets": ["proj/sock", "proj/sub/s"]])
        let python = try #require(answer["roots"] as? [String: [Any]])
        for root in roots {
            let mine = try SourceRootDigest.compute(root: root, workingDirectory: directory, mode: .all)
            let theirs = try #require(python[root])
            #expect(mine.files == theirs[1] as? [String], "root \(root)")
            #expect(mine.digest == theirs[0] as? String, "root \(root)")
        }
        // The tree really exercises the rules: something is ignored by each of them.
        let all = try SourceRootDigest.compute(root: directory + "/proj", workingDirectory: directory, mode: .all)
        for ignored in ["app.log", "CHANGES.md", "docs/a.txt", "stray.pyc", "sub/.git/config", "sock", "dangling"] {
            #expect(!all.files.contains(ignored), "\(ignored) should be ignored")
        }
        for kept in ["README.md", "docs/keep/b.txt", "link_to_main.py", "naïve.py", ".dockerignore"] {
            #expect(all.files.contains(kept), "\(kept) should be kept")
        }
    }

    @Test("source_root ALL without git on PATH, and outside a work tree")
    func sourceRootWithoutGit() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-diff")
        defer { removeWorkingDirectory(directory) }
        try Self.makeTree(directory, Self.richTree)
        let environment = ["PATH": "/nonexistent-bin"]
        let answer = try Self.flytekit(["cwd": directory, "roots": [directory + "/proj"]], environment: environment)
        let python = try #require((answer["roots"] as? [String: [Any]])?[directory + "/proj"])
        let mine = try SourceRootDigest.compute(
            root: directory + "/proj", workingDirectory: directory, mode: .all, environment: environment)
        #expect(mine.files == python[1] as? [String])
        #expect(mine.digest == python[0] as? String)
        #expect(mine.files.contains("app.log"))
        // With git on PATH but no work tree: the same answer.
        let withGit = try SourceRootDigest.compute(root: directory + "/proj", workingDirectory: directory, mode: .all)
        #expect(withGit.digest == mine.digest)
    }

    @Test("copy: directories (several sub-directories), files, symlinks, missing paths")
    func copy() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-diff")
        defer { removeWorkingDirectory(directory) }
        try Self.makeTree(directory, Self.richTree)
        let lists: [[String]] = [
            ["proj/tests"], ["proj/docs", "proj/main.py"], ["proj/linkdir", "missing", "proj/sub/"],
            ["proj/dangling", "proj/link_to_main.py", "proj"], [directory + "/proj/tests/unit", "proj/ΑΣ.txt"],
            ["proj/main.py/", "", "proj/sock"], [], ["proj/main.py\u{0}x", "proj\u{0}/docs", "proj/docs"],
        ]
        let answer = try Self.flytekit(["cwd": directory, "sockets": ["proj/sock"], "copies": lists])
        let python = try #require(answer["copies"] as? [String])
        try #require(python.count == lists.count)
        for (list, theirs) in zip(lists, python) {
            #expect(try CopyDigest.compute(paths: list, workingDirectory: directory) == theirs, "copy \(list)")
        }
        // Only the two lists that hash nothing (`[]`, and missing/empty/socket paths) coincide.
        #expect(Set(python).count == lists.count - 1)
    }

    @Test("source_root LOADED_MODULES from the module files the Python process imported")
    func loadedModules() throws {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-diff")
        defer { removeWorkingDirectory(directory) }
        try Self.makeTree(
            directory,
            [
                ("src/pkg/__init__.py", ""), ("src/pkg/mod.py", "from pkg.sub import deep\n"),
                ("src/pkg/sub/__init__.py", "X = 1\n"), ("src/pkg/sub/deep.py", "Y = 2\n"), ("src/other.py", "Z = 3\n"),
                ("src/top.py", "import pkg.mod\n"),
            ])
        for root in [directory + "/src", "src"] {
            let answer = try Self.flytekit([
                "cwd": directory, "import": ["sys_path": directory + "/src", "modules": ["top"], "root": root],
            ])
            let python = try #require(answer["loaded"] as? [Any])
            let moduleFiles = try #require(python[2] as? [String])
            let mine = try SourceRootDigest.compute(root: root, workingDirectory: directory, mode: .files(moduleFiles))
            #expect(mine.digest == python[0] as? String, "root \(root)")
            #expect(mine.files == python[1] as? [String], "root \(root)")
        }
    }
}
