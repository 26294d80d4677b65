import Foundation
import TestSupport
import Testing

@testable import Spec

/// `.dockerignore` and standard-ignore matching against the real implementations flytekit calls: docker-py's
/// `PatternMatcher` and CPython's `fnmatch` (from the project venv).
@Suite("ignore rules")
struct FilesIgnoreTests {
    @Test(
        "docker-py pattern semantics",
        arguments: [
            (["*.md", "!README.md"], "README.md", false), (["*.md", "!README.md"], "CHANGES.md", true),
            (["*.md"], "docs/x.md", false), (["**/*.md"], "docs/x.md", true), (["docs"], "docs/a/b.txt", true),
            (["docs/*"], "docs/a/b.txt", true), (["DOCS"], "docs/x", true), (["?.cfg"], "x.cfg", true),
            (["?.cfg"], "xy.cfg", false), (["[a-c]*"], "beta", true), (["[!a-c]*"], "beta", false),
            (["/abs/"], "abs/z", true), (["./dot"], "dot/d", true), (["a/../b"], "b/x", true),
            ([".dockerignore"], ".dockerignore", false), (["*"], ".dockerignore", false), ([""], "x", false),
            (["!"], "x", false), (["a/**/b"], "a/b", true), (["a/**/b"], "a/x/y/b", true), (["a**"], "a/x/y", true),
        ])
    func dockerPatterns(patterns: [String], path: String, ignored: Bool) throws {
        #expect(try DockerIgnore(patterns: patterns).matches(path) == ignored)
    }

    @Test("a pattern Python's re refuses is an error naming the file")
    func badPattern() {
        #expect {
            _ = try DockerIgnore(fileContents: Array("ok\n[z-a]\n".utf8), path: "src/.dockerignore")
        } throws: { error in
            guard let error = error as? SpecError else { return false }
            return error.kind == .invalidIgnoreFile && error.message.contains("src/.dockerignore")
        }
        #expect(throws: SpecError.self) {
            _ = try DockerIgnore(fileContents: [0x66, 0xFF, 0x0A], path: ".dockerignore")
        }
    }

    @Test("universal newlines, comments and strip() in .dockerignore")
    func dockerignoreFile() throws {
        let ignore = try DockerIgnore(
            fileContents: Array("# comment\r\n  *.log  \r!keep.log\n #kept\n\u{3000}x\u{3000}\n".utf8), path: ".d")
        #expect(ignore.matches("a.log"))
        #expect(!ignore.matches("keep.log"))
        #expect(ignore.matches("#kept"))
        #expect(ignore.matches("x"))
        #expect(!ignore.matches("comment"))
    }

    @Test("docker-py PatternMatcher and fnmatch agree on 400 random pattern sets")
    func againstDockerPy() throws {
        let python = try TestEnvironment.requireVenvPython()
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab*?/.!-[]^\\ΣσΑİ\n".unicodeScalars) + Array("ab/".unicodeScalars)
        func random(_ length: ClosedRange<Int>) -> String {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: length, using: &generator) {
                scalars.append(alphabet.randomElement(using: &generator)!)
            }
            return String(scalars)
        }
        var cases: [[String: [String]]] = []
        for _ in 0..<400 {
            let patterns = (0..<Int.random(in: 1...3, using: &generator)).map { _ in random(1...6) }
            let paths = (0..<8).map { _ in random(1...9) } + ["a", "a/b", "b/a/b", "ab/ba", ".dockerignore"]
            cases.append(["patterns": patterns, "paths": paths])
        }
        let script = """
            import json, sys
            from fnmatch import fnmatch
            from docker.utils.build import PatternMatcher
            from flytekit.tools.ignore import STANDARD_IGNORE_PATTERNS
            out = []
            for case in json.load(sys.stdin):
                try:
                    pm = PatternMatcher(case['patterns'])
                    docker = [pm.matches(p) for p in case['paths']]
                except Exception as e:
                    docker = type(e).__name__
                standard = [any(fnmatch(p, s) for s in STANDARD_IGNORE_PATTERNS) for p in case['paths']]
                out.append([docker, standard])
            json.dump(out, sys.stdout)
            """
        let input = try JSONSerialization.data(withJSONObject: cases)
        let result = try ExternalTool.run(python, ["-c", script], input: input, timeout: .seconds(120)).check()
        let answers = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [[Any]])
        try #require(answers.count == cases.count)
        var compared = 0
        for (testCase, answer) in zip(cases, answers) {
            let patterns = testCase["patterns"]!
            let paths = testCase["paths"]!
            let standard = try #require(answer[1] as? [Bool])
            for (path, expected) in zip(paths, standard) {
                #expect(StandardIgnore.isIgnored(PyPath.from(path)) == expected, "standard \(PythonRepr.repr(path))")
            }
            if let docker = answer[0] as? [Bool] {
                let matcher = try DockerIgnore(patterns: patterns)
                for (path, expected) in zip(paths, docker) {
                    compared += 1
                    #expect(
                        matcher.matches(path) == expected,
                        "patterns \(PythonRepr.repr(.list(patterns.map(PyValue.str)))) path \(PythonRepr.repr(path))")
                }
            } else {
                #expect(throws: SpecError.self, "patterns \(patterns) should be refused (\(answer[0]))") {
                    _ = try DockerIgnore(patterns: patterns)
                }
            }
        }
        #expect(compared > 2000)
    }
}
