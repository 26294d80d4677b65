/// Reads JSON into `SourceNode`s typed as Python's `json.loads` types them — `1` is an `int`, `1.0` and `1e5` are
/// `float`s, integers of any size, `NaN`/`Infinity`/`-Infinity` accepted — keeping key order and the line and
/// column of every value (Foundation's `JSONSerialization` keeps neither order nor the int/float distinction).
///
/// Differences from `json.loads`: a key repeated in one object is an error (Python keeps the last); a `\u` escape
/// that leaves a lone surrogate is an error (a Swift string cannot hold one).
struct JSONSpecReader {
    /// The file name used in diagnostics.
    let file: String?
    /// Problems found (parsing stops at the first syntax error).
    private(set) var problems: [SpecDiagnostic] = []

    private var bytes: [UInt8] = []
    private var position = 0
    private var line = 1
    private var lineStart = 0

    /// Creates a reader.
    init(file: String?) {
        self.file = file
    }

    /// Parses one JSON document; `nil` with `problems` set when it is not valid JSON.
    mutating func read(bytes input: [UInt8]) -> SourceNode? {
        bytes = input
        position = 0
        line = 1
        lineStart = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
            lineStart = 3
        }
        if let offset = YAMLSpecReader.firstInvalidUTF8Offset(bytes[position...]) {
            fail(at: position + offset, "the file is not UTF-8 text — save it as UTF-8")
            return nil
        }
        do throws(Failure) {
            skipWhitespace()
            let node = try parseValue(depth: 0)
            skipWhitespace()
            guard position == bytes.count else {
                throw Failure(offset: position, message: "extra data after the JSON value")
            }
            return node
        } catch {
            fail(at: error.offset, "invalid JSON: \(error.message)")
            return nil
        }
    }

    /// Parses JSON text.
    mutating func read(text: String) -> SourceNode? {
        read(bytes: Array(text.utf8))
    }

    // MARK: - Grammar

    private struct Failure: Error {
        let offset: Int
        let message: String
    }

    private var location: SourceLocation {
        location(of: position)
    }

    private func location(of offset: Int) -> SourceLocation {
        var column = 1
        var index = lineStart
        while index < offset, index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(line: line, column: column)
    }

    private mutating func fail(at offset: Int, _ message: String) {
        let where_ = SourceLocation.of(offset: offset, in: bytes)
        problems.append(SpecDiagnostic(.error, file: file, location: where_, field: nil, message: message))
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            default:
                return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> SourceNode {
        guard depth < 512 else {
            throw Failure(offset: position, message: "nested too deeply")
        }
        guard position < bytes.count else {
            throw Failure(offset: position, message: "expected a value, found the end of the text")
        }
        let start = location
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth, start: start)
        case UInt8(ascii: "["):
            position += 1
            var items: [SourceNode] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return SourceNode(content: .sequence(items), location: start)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else {
                    throw Failure(offset: position, message: "unterminated list")
                }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                guard bytes[position] == UInt8(ascii: "]") else {
                    throw Failure(offset: position, message: "expected ',' or ']'")
                }
                position += 1
                return SourceNode(content: .sequence(items), location: start)
            }
        case UInt8(ascii: "\""):
            let text = try parseString()
            return SourceNode(content: .scalar(.str(text)), location: start, sourceText: text)
        default:
            return try parseLiteral(start: start)
        }
    }

    private mutating func parseObject(depth: Int, start: SourceLocation) throws(Failure) -> SourceNode {
        position += 1
        var pairs: [SourceNode.Pair] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return SourceNode(content: .mapping(pairs), location: start)
        }
        while true {
            skipWhitespace()
            let keyLocation = location
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw Failure(offset: position, message: "expected a string key in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw Failure(offset: position, message: "expected ':' after the key")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if let first = pairs.first(where: {
                $0.key.sourceText.map { $0.unicodeScalars.elementsEqual(key.unicodeScalars) } ?? false
            }) {
                let firstLine = first.key.location.map { " (first at line \($0.line))" } ?? ""
                problems.append(
                    SpecDiagnostic(
                        .error, file: file, location: keyLocation, field: nil,
                        message: "duplicate key \(PythonRepr.repr(key))\(firstLine) — keep only one"))
            } else {
                let keyNode = SourceNode(content: .scalar(.str(key)), location: keyLocation, sourceText: key)
                pairs.append(SourceNode.Pair(key: keyNode, value: value))
            }
            skipWhitespace()
            guard position < bytes.count else {
                throw Failure(offset: position, message: "unterminated object")
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else {
                throw Failure(offset: position, message: "expected ',' or '}'")
            }
            position += 1
            return SourceNode(content: .mapping(pairs), location: start)
        }
    }

    private mutating func parseString() throws(Failure) -> String {
        let open = position
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(_ end: Int) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard position < bytes.count else {
                throw Failure(offset: open, message: "unterminated string")
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flushRun(position)
                position += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw Failure(
                    offset: position, message: "control character in a string — escape it (\\n, \\t, \\u00XX)")
            }
            guard byte == UInt8(ascii: "\\") else {
                position += 1
                continue
            }
            flushRun(position)
            position += 1
            guard position < bytes.count else {
                throw Failure(offset: open, message: "unterminated string")
            }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = try parseHex4()
                if (0xD800...0xDBFF).contains(value), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                {
                    let saved = position
                    position += 2
                    let low = try parseHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = saved
                    }
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw Failure(
                        offset: position - 6,
                        message: "a lone surrogate \\u\(String(value, radix: 16)) cannot be used in a string")
                }
                scalars.append(scalar)
            default:
                throw Failure(offset: position - 2, message: "invalid escape in a string")
            }
            runStart = position
        }
    }

    private mutating func parseHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16),
            bytes[position..<position + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
        else {
            throw Failure(offset: position, message: "invalid \\u escape (expected 4 hex digits)")
        }
        position += 4
        return value
    }

    private mutating func parseLiteral(start: SourceLocation) throws(Failure) -> SourceNode {
        let words: [(String, PyValue)] = [
            ("true", .bool(true)), ("false", .bool(false)), ("null", .none), ("NaN", .float(.nan)),
            ("Infinity", .float(.infinity)), ("-Infinity", .float(-.infinity)),
        ]
        for (word, value) in words where bytes[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return SourceNode(content: .scalar(value), location: start, sourceText: word)
        }
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
        let begin = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                position += 1
            }
            return position - from
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
            position += 1
        }
        guard position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
            throw Failure(offset: begin, message: "expected a value (string, number, list, object, true, false, null)")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            _ = digits()
        }
        var isFloat = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "."),
            position + 1 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position + 1])
        {
            position += 1
            _ = digits()
            isFloat = true
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            let saved = position
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            if digits() > 0 {
                isFloat = true
            } else {
                position = saved
            }
        }
        let text = String(decoding: bytes[begin..<position], as: UTF8.self)
        let value: PyValue
        if isFloat {
            guard let number = Double(text) else {
                throw Failure(offset: begin, message: "invalid number")
            }
            value = .float(number)
        } else {
            guard let number = PyValue.integer(decimal: text) else {
                throw Failure(offset: begin, message: "invalid number")
            }
            value = number
        }
        return SourceNode(content: .scalar(value), location: start, sourceText: text)
    }
}
