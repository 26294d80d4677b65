import Foundation
import Testing

@testable import Spec

@Suite("CPython repr")
struct PythonReprTests {
    @Test(
        "str repr",
        arguments: [
            ("", "''"),
            ("abc", "'abc'"),
            ("it's", "\"it's\""),
            ("say \"hi\"", "'say \"hi\"'"),
            ("both ' and \"", "'both \\' and \"'"),
            ("back\\slash", "'back\\\\slash'"),
            ("tab\tnl\ncr\r", "'tab\\tnl\\ncr\\r'"),
            ("\u{0}\u{1}\u{1F}\u{7F}", "'\\x00\\x01\\x1f\\x7f'"),
            ("\u{80}\u{9F}\u{A0}\u{AD}", "'\\x80\\x9f\\xa0\\xad'"),
            ("naïve café", "'naïve café'"),
            ("e\u{301}", "'e\u{301}'"),
            ("😀 👍🏽", "'😀 👍🏽'"),
            ("\u{2028}\u{2029}\u{FEFF}\u{200B}", "'\\u2028\\u2029\\ufeff\\u200b'"),
            ("\u{E000}\u{F8FF}", "'\\ue000\\uf8ff'"),
            ("\u{10FFFF}\u{F0000}", "'\\U0010ffff\\U000f0000'"),
            ("\u{3000}x\u{1680}", "'\\u3000x\\u1680'"),
            // U+1FAE8 SHAKING FACE is Unicode 15.0: unassigned (Cn) for CPython 3.11, so escaped.
            ("\u{1FAE8}", "'\\U0001fae8'"),
            // U+0870 ARABIC LETTER ALEF WITH ATTACHED FATHA is Unicode 14.0: printable.
            ("\u{870}", "'\u{870}'"),
            ("日本語", "'日本語'"),
        ])
    func stringRepr(input: String, expected: String) {
        #expect(PythonRepr.repr(.str(input)) == expected)
        #expect(PythonRepr.repr(input) == expected)
    }

    @Test("ascii() escapes every non-ASCII code point")
    func asciiRepr() {
        #expect(PythonRepr.ascii(.str("naïve 😀 \u{2028}")) == "'na\\xefve \\U0001f600 \\u2028'")
        #expect(PythonRepr.ascii(.list([.str("é")])) == "['\\xe9']")
    }

    @Test(
        "float repr",
        arguments: [
            (3.1, "3.1"), (0.5, "0.5"), (0.1, "0.1"), (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (1e-05, "1e-05"), (0.0001, "0.0001"), (0.00012, "0.00012"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"), (12345678901234567.0, "1.2345678901234568e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"), (0.0, "0.0"), (-0.0, "-0.0"), (.infinity, "inf"),
            (-.infinity, "-inf"), (.nan, "nan"), (-Double.nan, "nan"), (1e300, "1e+300"), (5e-324, "5e-324"),
            (1e22, "1e+22"), (1e23, "1e+23"), (1e-7, "1e-07"), (2.5e-5, "2.5e-05"), (-1.5, "-1.5"), (100.0, "100.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (9007199254740993.0, "9007199254740992.0"), (0.30000000000000004, "0.30000000000000004"), (3.0, "3.0"),
            (123.456, "123.456"), (-1e-10, "-1e-10"), (1.5e16, "1.5e+16"),
        ])
    func floatRepr(value: Double, expected: String) {
        #expect(PythonRepr.repr(.float(value)) == expected)
    }

    @Test("containers, scalars and enum members")
    func containers() {
        let dict = PyDict([
            (key: "name", value: "wf"), (key: "env", value: .dict(PyDict([(key: "A", value: .none)]))),
            (key: "n", value: .tuple([.int(1)])), (key: "t", value: .tuple([.int(1), .str("x")])),
            (key: "e", value: .tuple([])),
            (key: "mode", value: .enumMember(typeName: "CopyFileDetection", name: "ALL", value: 2)),
        ])
        #expect(
            PythonRepr.repr(.dict(dict))
                == "{'name': 'wf', 'env': {'A': None}, 'n': (1,), 't': (1, 'x'), 'e': (), "
                + "'mode': <CopyFileDetection.ALL: 2>}")
        #expect(
            PythonRepr.repr([.bool(true), .bool(false), .none, .int(-7), .list([])]) == "[True, False, None, -7, []]")
        #expect(PythonRepr.repr(.dict(PyDict())) == "{}")
        #expect(PyValue.integer(decimal: "123456789012345678901234567890") == .bigInt("123456789012345678901234567890"))
        #expect(PyValue.integer(decimal: "-000123") == .int(-123))
        #expect(
            PyValue.integer(decimal: "-0000123456789012345678901234567890")
                == .bigInt("-123456789012345678901234567890"))
        #expect(PyValue.integer(decimal: "1_000") == nil)
        #expect(PythonRepr.str(.str("x'y")) == "x'y")
        #expect(PythonRepr.str(.float(3.1)) == "3.1")
    }

    @Test("PyValue equality is by code point, not canonical equivalence")
    func codePointEquality() {
        #expect(PyValue.str("\u{E9}") != PyValue.str("e\u{301}"))
        #expect(Set<PyValue>([.str("\u{E9}"), .str("e\u{301}")]).count == 2)
        #expect(PyValue.float(.nan) == PyValue.float(.nan))
        #expect(PyValue.float(0.0) != PyValue.float(-0.0))
        var dict = PyDict()
        dict["a"] = 1
        dict["b"] = 2
        dict["a"] = 3
        #expect(PythonRepr.repr(.dict(dict)) == "{'a': 3, 'b': 2}")
    }

    @Test("float repr equals CPython's for 30,000 random doubles")
    func floatReprAgainstPython() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = []
        for index in 0..<30_000 {
            switch index % 3 {
            case 0:
                values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
            case 1:
                let digits = Int.random(in: 1...17, using: &generator)
                let mantissa = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
                values.append(Double("0.\(mantissa)e\(Int.random(in: -30...30, using: &generator))")!)
            default:
                values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / 1000)
            }
        }
        let input = values.map { String($0.bitPattern, radix: 16) }.joined(separator: "\n")
        let script = """
            import struct
            for line in sys.stdin.read().split():
                print(repr(struct.unpack('<d', int(line, 16).to_bytes(8, 'little'))[0]))
            """
        let output = String(decoding: try ReferencePython.run(script, input: Data(input.utf8)), as: UTF8.self)
        let expected = output.split(separator: "\n").map(String.init)
        try #require(expected.count == values.count)
        var mismatches: [String] = []
        for (value, python) in zip(values, expected) where PythonRepr.repr(.float(value)) != python {
            mismatches.append("\(python) → \(PythonRepr.repr(.float(value)))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
    }

    @Test("isprintable equals CPython 3.11's for every code point")
    func printableAgainstPython() throws {
        let script = """
            out = []
            start = None
            for c in range(0x110000):
                p = chr(c).isprintable()
                if p and start is None: start = c
                if not p and start is not None: out.append(f'{start} {c - 1}'); start = None
            if start is not None: out.append(f'{start} {0x10ffff}')
            print('\\n'.join(out))
            """
        let output = String(decoding: try ReferencePython.run(script), as: UTF8.self)
        var python = [Bool](repeating: false, count: 0x110000)
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ").compactMap { Int($0) }
            for c in parts[0]...parts[1] { python[c] = true }
        }
        var mismatches: [String] = []
        for c in 0..<0x110000 where PythonUnicode.isPrintable(UInt32(c)) != python[c] {
            mismatches.append(String(c, radix: 16))
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) code points differ, e.g. U+\(mismatches.prefix(8))")
        // And the repr of every printable/non-printable class boundary follows from it: spot-check via Python.
        #expect(python[0x20] && !python[0xA0] && python[0xA1] && !python[0x1FAE8])
    }

    @Test("lower(), isspace() and strip() equal CPython 3.11's")
    func caseAndSpaceAgainstPython() throws {
        let samples = [
            "ΑΣ", "ΑΣΑ", "Σ", "ΑΣ.", "Α'Σ", "ΑΣ'Α", "ΑʰΣ", "ʰΣ", "ΑΣʰ", "ΑΣ Α", "İstanbul", "MyImage-Ω", "ǅungla",
            "ǄǅǆΣ", "\u{1E900}", "ꟊ", "ᲐᲑ", "\u{A7C0}\u{A7D0}", "Ａ", "𐐀", "ΣΣΣ", "AΣ\u{301}",
        ]
        let script = """
            import json
            samples = json.loads(sys.stdin.read())
            lower = {c: chr(c).lower() for c in range(0x110000)
                     if not 0xd800 <= c < 0xe000 and chr(c).lower() != chr(c)}
            space = [c for c in range(0x110000) if chr(c).isspace()]
            json.dump({'lower': {str(k): v for k, v in lower.items()}, 'space': space,
                       'samples': [s.lower() for s in samples],
                       'strip': [s.strip() for s in ['\\x1c a \\x85', '\\u3000\\u200bx\\u00a0', ' \\t\\n']]},
                      sys.stdout)
            """
        let result = try #require(try ReferencePython.json(script, input: samples) as? [String: Any])
        let lower = try #require(result["lower"] as? [String: String])
        var mismatches: [String] = []
        for c in UInt32(0)..<0x110000 where !(0xD800..<0xE000).contains(c) {
            let mine = PythonUnicode.lower(codePoints: [c])
            let python = lower[String(c)].map { $0.unicodeScalars.map(\.value) } ?? [c]
            if mine != python { mismatches.append(String(c, radix: 16)) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) lower() mismatches, e.g. U+\(mismatches.prefix(8))")
        let sampleLower = try #require(result["samples"] as? [String])
        for (sample, python) in zip(samples, sampleLower) {
            #expect(PythonUnicode.lower(sample).unicodeScalars.elementsEqual(python.unicodeScalars), "\(sample)")
        }
        let space = Set(try #require(result["space"] as? [Int]))
        for c in UInt32(0)..<0x110000 {
            #expect(PythonUnicode.isSpace(c) == space.contains(Int(c)))
        }
        let strips = try #require(result["strip"] as? [String])
        #expect(strips == ["a", "\u{200B}x", ""])
        #expect(PythonUnicode.strip("\u{1C} a \u{85}") == strips[0])
        #expect(PythonUnicode.strip("\u{3000}\u{200B}x\u{A0}") == strips[1])
        #expect(PythonUnicode.strip(" \t\n") == strips[2])
    }

    @Test("repr of random strings equals CPython's")
    func stringReprAgainstPython() throws {
        var generator = SystemRandomNumberGenerator()
        let pools: [ClosedRange<UInt32>] = [
            0...0x7F, 0x80...0x2FF, 0x300...0x36F, 0x2000...0x206F, 0xE000...0xF8FF,
            0xFE00...0xFFFF, 0x1F300...0x1FAFF, 0x0...0x10FFFF,
        ]
        var strings: [String] = ["", "'", "\"", "'\"", "\\"]
        for _ in 0..<3000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                let pool = pools.randomElement(using: &generator)!
                if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &generator)) { scalars.append(scalar) }
            }
            strings.append(String(scalars))
        }
        let script = """
            import json
            json.dump([[repr(s), ascii(s)] for s in json.loads(sys.stdin.read())], sys.stdout)
            """
        let python = try #require(try ReferencePython.json(script, input: strings) as? [[String]])
        var mismatches = 0
        for (string, expected) in zip(strings, python) {
            let mine = [PythonRepr.repr(.str(string)), PythonRepr.ascii(.str(string))]
            if !mine[0].unicodeScalars.elementsEqual(expected[0].unicodeScalars)
                || !mine[1].unicodeScalars.elementsEqual(expected[1].unicodeScalars)
            {
                mismatches += 1
                if mismatches < 5 { Issue.record("repr(\(expected[0])) → \(mine[0])") }
            }
        }
        #expect(mismatches == 0)
    }
}
