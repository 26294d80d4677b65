import Foundation
import TestSupport

/// A JSON value that keeps object keys in document order (the vectors' `env`/`builder_options` dicts are ordered,
/// and order changes the tag). `text` re-serialises it with the same order.
indirect enum OrderedJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as written (`3.1`, `1e-05`, `12345678901234567890`), so the loader decides int vs float.
    case number(String)
    case string(String)
    case array([OrderedJSON])
    case object([(key: String, value: OrderedJSON)])

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool { lhs.text == rhs.text }

    subscript(key: String) -> OrderedJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.key == key })?.value
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var array: [OrderedJSON]? { if case .array(let a) = self { a } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }

    /// Compact JSON text, keys in the original order.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return Self.quote(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map { Self.quote($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    /// Replaces every string's `$CWD` with `directory`, as the vectors require.
    func substitutingCWD(_ directory: String) -> OrderedJSON {
        switch self {
        case .string(let s): return .string(s.replacingOccurrences(of: "$CWD", with: directory))
        case .array(let items): return .array(items.map { $0.substitutingCWD(directory) })
        case .object(let pairs): return .object(pairs.map { ($0.key, $0.value.substitutingCWD(directory)) })
        default: return self
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Parses JSON text (RFC 8259), keeping key order.
    static func parse(_ data: Data) throws -> OrderedJSON {
        var parser = Parser(bytes: Array(data))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure("trailing data") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        func failure(_ what: String) -> TestSupportError { TestSupportError("JSON: \(what) at byte \(index)") }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() throws -> OrderedJSON {
            skipSpace()
            guard index < bytes.count else { throw failure("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(key: String, value: OrderedJSON)] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    guard bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                    index += 1
                    pairs.append((key, try value()))
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { throw failure("expected '}'") }
                    index += 1
                    return .object(pairs)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [OrderedJSON] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { throw failure("expected ']'") }
                    index += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                index += 4
                return .bool(true)
            case UInt8(ascii: "f"):
                index += 5
                return .bool(false)
            case UInt8(ascii: "n"):
                index += 4
                return .null
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
                guard index > start else { throw failure("unexpected character") }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func string() throws -> String {
            guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected string") }
            index += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while true {
                guard index < bytes.count else { throw failure("unterminated string") }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                if byte != UInt8(ascii: "\\") { raw.append(byte); continue }
                flush()
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xD800..<0xDC00).contains(unit), bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try hex4()
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                default: scalars.append(Unicode.Scalar(escape))
                }
            }
            flush()
            return String(scalars)
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count,
                let value = UInt32(
                    String(decoding: bytes[index..<index + 4], as: UTF8.self),
                    radix: 16)
            else { throw failure("bad \\u escape") }
            index += 4
            return value
        }
    }
}

/// One flytekit-generated vector of `Fixtures/imagespec-vectors.json` (format: `imagespec-vectors/1`).
struct FlytekitVector: Sendable, CustomStringConvertible {
    /// The vector's `name`.
    let name: String
    /// The whole vector as parsed.
    let json: OrderedJSON

    var description: String { name }

    /// `files[]` to materialise.
    var files: [OrderedJSON] { json["files"]?.array ?? [] }
    /// `spec` (JSON kwargs, `$CWD` not yet substituted), or nil for a YAML vector.
    var spec: OrderedJSON? { json["spec"].flatMap { $0.isNull ? nil : $0 } }
    /// `yaml` file text, if the vector is a YAML one.
    var yaml: String? { json["yaml"]?.string }
    /// `git_init`: a directory (relative to the working directory) to `git init`.
    var gitInit: String? { json["git_init"]?.string }
    /// `expected`.
    var expected: OrderedJSON { json["expected"] ?? .null }
    /// `expected.<key>` as a string.
    func expectedString(_ key: String) -> String? { expected[key]?.string }

    /// All vectors of the fixture file.
    static func all() throws -> [FlytekitVector] {
        guard
            let url = Bundle.module.url(
                forResource: "imagespec-vectors", withExtension: "json",
                subdirectory: "Fixtures")
        else { throw TestSupportError("Fixtures/imagespec-vectors.json is missing from the SpecTests bundle") }
        let root = try OrderedJSON.parse(try Data(contentsOf: url))
        return (root["vectors"]?.array ?? []).map { FlytekitVector(name: $0["name"]?.string ?? "?", json: $0) }
    }

    /// The vectors with `names`, or all when `names` is nil; for `@Test(arguments:)` (never throws: a broken
    /// fixture yields an empty list, which the fixture test reports).
    static func named(where predicate: (FlytekitVector) -> Bool) -> [FlytekitVector] {
        ((try? all()) ?? []).filter(predicate)
    }

    /// Creates the vector's files in a new temporary directory (the vector's working directory, `$CWD`) and runs
    /// `git init -q` where asked. Returns the directory; the caller removes it (`removeWorkingDirectory`).
    func materialise() throws -> String {
        let directory = try makeTemporaryDirectory(prefix: "imagespec-vector")
        let manager = FileManager.default
        for file in files {
            guard let path = file["path"]?.string else { throw TestSupportError("\(name): a file has no path") }
            let full = directory + "/" + path
            let parent = (full as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            if file["dir"] == .bool(true) {
                try manager.createDirectory(atPath: full, withIntermediateDirectories: true)
            } else if let target = file["symlink_to"]?.string {
                try manager.createSymbolicLink(atPath: full, withDestinationPath: target)
            } else if let base64 = file["content_b64"]?.string {
                guard let data = Data(base64Encoded: base64) else {
                    throw TestSupportError("\(name): \(path): bad content_b64")
                }
                try data.write(to: URL(fileURLWithPath: full))
            } else {
                try Data((file["content"]?.string ?? "").utf8).write(to: URL(fileURLWithPath: full))
            }
        }
        if let gitInit {
            let git = try ExternalTool.require("git")
            try ExternalTool.run(git, ["init", "-q"], currentDirectory: directory + "/" + gitInit).check()
        }
        return directory
    }

    /// `spec` with `$CWD` replaced by `directory`, as JSON text (key order kept).
    func specJSONText(workingDirectory directory: String) -> String? {
        spec?.substitutingCWD(directory).text
    }
}

/// Removes a directory made by `FlytekitVector.materialise()`.
func removeWorkingDirectory(_ directory: String) {
    try? FileManager.default.removeItem(atPath: directory)
}
