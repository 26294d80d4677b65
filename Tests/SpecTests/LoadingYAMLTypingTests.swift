import Foundation
import TestSupport
import Testing

@testable import Spec

/// YAML scalars must be typed exactly as flytekit's `yaml.safe_load` (PyYAML, YAML 1.1) types them.
@Suite("loading: PyYAML scalar typing")
struct LoadingYAMLTypingTests {
    /// Hand-picked cases with the value PyYAML gives (`repr`), or `nil` where `safe_load` fails.
    static let known: [(String, String?)] = [
        ("yes", "True"), ("No", "False"), ("ON", "True"), ("off", "False"), ("y", "'y'"), ("n", "'n'"),
        ("TRUE", "True"), ("tRue", "'tRue'"), ("~", "None"), ("null", "None"), ("Null", "None"), ("nULL", "'nULL'"),
        ("0x1F", "31"), ("0o17", "'0o17'"), ("017", "15"), ("08", "'08'"), ("0b101", "5"), ("1_000", "1000"),
        ("1:30", "90"), ("-1:30", "-90"), ("1e3", "'1e3'"), ("1.0e+3", "1000.0"), ("1.0e3", "'1.0e3'"),
        (".inf", "inf"), ("-.INF", "-inf"), (".NaN", "nan"), ("3.10", "3.1"), ("1:30.5", "90.5"), ("+1", "1"),
        ("-0", "0"), ("-0.0", "-0.0"), ("0.", "0.0"), (".5", "0.5"), ("+.5", "'+.5'"), ("1_0.0_1", "10.01"),
        ("0x_", nil), ("0b_", nil), ("0xFFFFFFFFFFFFFFFFFF", "4722366482869645213695"),
        ("99999999999999999999", "99999999999999999999"),
        ("2024-01-01", nil), ("3.", "3.0"), ("1.2.3", "'1.2.3'"), ("0_", "0"), ("00", "0"), ("-0b11", "-3"),
    ]

    @Test("known scalars", arguments: known)
    func knownScalar(text: String, expected: String?) {
        #expect(Self.swiftRepr(text) == (expected ?? "ERROR"))
    }

    @Test("random scalars agree with PyYAML's safe_load")
    func randomScalarsAgreeWithPyYAML() throws {
        let python = try TestEnvironment.requireVenvPython()
        var random = DifferentialRandom(seed: 20_251_126)
        let alphabet = Array("0123456789_.:+-eExXbBoOnNaAiIfFyY~".unicodeScalars)
        let words = ["yes", "no", "on", "off", "true", "false", ".inf", ".nan", "null", "0x", "0b", "0o", "1:", ":5"]
        var tokens = Self.known.map(\.0)
        for _ in 0..<1500 {
            var token = random.chance(0.3) ? random.pick(words) : ""
            for _ in 0..<random.int(1...7) {
                token.unicodeScalars.append(random.pick(alphabet))
            }
            // A trailing ':' would make the line a nested mapping; '<<' and '=' fail as values in both.
            while token.hasSuffix(":") { token.removeLast() }
            if !token.isEmpty && !token.hasPrefix("-:") { tokens.append(token) }
        }
        let program = """
            import sys, yaml, datetime
            for line in sys.stdin.read().split("\\n"):
                if not line:
                    continue
                try:
                    value = yaml.safe_load("k: " + line)["k"]
                    print("TIMESTAMP" if isinstance(value, (datetime.date, datetime.datetime)) else repr(value))
                except Exception:
                    print("ERROR")
            """
        let result = try ExternalTool.run(
            python, ["-c", program], input: Data(tokens.joined(separator: "\n").utf8 + [0x0A])
        ).check()
        let pythonLines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(pythonLines.count >= tokens.count)
        var mismatches: [String] = []
        for (index, token) in tokens.enumerated() {
            var expected = pythonLines[index]
            if expected == "TIMESTAMP" { expected = "ERROR" }  // no ImageSpec field can hold a date
            let ours = Self.swiftRepr(token)
            if ours != expected {
                mismatches.append("\(token): imagespec \(ours), PyYAML \(expected)")
            }
        }
        print("compared \(tokens.count) YAML scalars with PyYAML, \(mismatches.count) mismatches")
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test("quoted and explicitly tagged scalars")
    func quotedAndTagged() {
        #expect(Self.swiftRepr("'3.10'") == "'3.10'")
        #expect(Self.swiftRepr("\"yes\"") == "'yes'")
        #expect(Self.swiftRepr("!!str 3.10") == "'3.10'")
        #expect(Self.swiftRepr("!!int \"7\"") == "7")
        #expect(Self.swiftRepr("!!float 1") == "1.0")
        #expect(Self.swiftRepr("! 12") == "'12'")
        #expect(Self.swiftRepr("!!binary aGVsbG8=") == "ERROR")
        #expect(Self.swiftRepr("!custom x") == "ERROR")
        #expect(Self.swiftRepr("|\n  a\n  b\n") == "'a\\nb\\n'")
    }

    @Test("merge keys follow PyYAML: merged keys first, own keys override, earlier merged mappings win")
    func mergeKeys() {
        let yaml = """
            base: &b {A: 1, B: 2}
            other: &o {B: 20, C: 30}
            env:
              <<: [*o, *b]
              B: 3
              D: 4
            """
        var reader = YAMLSpecReader(file: nil)
        let root = reader.read(text: yaml)
        #expect(reader.problems.isEmpty)
        guard case .dict(let dict)? = root?.pyValue, let env = dict[.str("env")] else {
            Issue.record("no env")
            return
        }
        #expect(PythonRepr.repr(env) == "{'A': 1, 'B': 3, 'C': 30, 'D': 4}")
    }

    /// `repr` of the value imagespec reads for `k: <text>`, or `ERROR`.
    static func swiftRepr(_ text: String) -> String {
        var reader = YAMLSpecReader(file: nil)
        guard let root = reader.read(text: "k: " + text), reader.problems.isEmpty,
            case .dict(let dict)? = root.pyValue, let value = dict[.str("k")]
        else {
            return "ERROR"
        }
        return PythonRepr.repr(value)
    }
}
