/// The state of one `str.format` call (CPython's `AutoNumber` plus the keyword arguments).
struct PythonFormatter {
    typealias Scalars = [Unicode.Scalar]

    enum Numbering { case initial, automatic, manual }

    let arguments: [(name: Scalars, value: Scalars)]
    var numbering = Numbering.initial
    var nextAutomaticIndex = 0

    init(arguments: [String: String]) {
        self.arguments = arguments.map { (Array($0.key.unicodeScalars), Array($0.value.unicodeScalars)) }
            .sorted { $0.name.lexicographicallyPrecedes($1.name, by: { $0.value < $1.value }) }
    }

    /// CPython's `build_string` + `MarkupIterator`.
    mutating func build(_ s: Scalars, depth: Int) throws(SpecError) -> Scalars {
        guard depth > 0 else { throw valueError("Max string recursion exceeded") }
        var out = Scalars()
        var pos = 0
        while pos < s.count {
            let start = pos
            var c: Unicode.Scalar = "\0"
            var markupFollows = false
            while pos < s.count {
                c = s[pos]
                pos += 1
                if c == "{" || c == "}" {
                    markupFollows = true
                    break
                }
            }
            let atEnd = pos >= s.count
            var length = pos - start
            if c == "}" && markupFollows && (atEnd || s[pos] != "}") {
                throw valueError("Single '}' encountered in format string")
            }
            if atEnd && markupFollows && c == "{" {
                throw valueError("Single '{' encountered in format string")
            }
            if !atEnd && markupFollows {
                if s[pos] == c {
                    pos += 1
                    markupFollows = false
                } else {
                    length -= 1
                }
            }
            out.append(contentsOf: s[start..<(start + length)])
            if markupFollows {
                let field = try parseField(s, &pos)
                out.append(contentsOf: try render(field, depth: depth))
            }
        }
        return out
    }

    struct Field {
        var name: ArraySlice<Unicode.Scalar>
        var conversion: Unicode.Scalar?
        var spec: ArraySlice<Unicode.Scalar>
        var specNeedsExpanding: Bool
    }

    /// CPython's `parse_field`; `pos` is just after the opening `{`.
    func parseField(_ s: Scalars, _ pos: inout Int) throws(SpecError) -> Field {
        let nameStart = pos
        var c: Unicode.Scalar = "\0"
        scan: while pos < s.count {
            c = s[pos]
            pos += 1
            switch c {
            case "{":
                throw valueError("unexpected '{' in field name")
            case "[":
                while pos < s.count && s[pos] != "]" { pos += 1 }
            case "}", ":", "!":
                break scan
            default:
                continue
            }
        }
        var field = Field(name: s[nameStart..<(pos - 1)], conversion: nil, spec: [], specNeedsExpanding: false)
        guard c == "!" || c == ":" else {
            if c != "}" { throw valueError("expected '}' before end of string") }
            return field
        }
        if c == "!" {
            guard pos < s.count else { throw valueError("end of string while looking for conversion specifier") }
            field.conversion = s[pos]
            pos += 1
            if pos < s.count {
                let next = s[pos]
                pos += 1
                if next == "}" { return field }
                if next != ":" { throw valueError("expected ':' after conversion specifier") }
            }
        }
        let specStart = pos
        var depth = 1
        while pos < s.count {
            let ch = s[pos]
            pos += 1
            if ch == "{" {
                field.specNeedsExpanding = true
                depth += 1
            } else if ch == "}" {
                depth -= 1
                if depth == 0 {
                    field.spec = s[specStart..<(pos - 1)]
                    return field
                }
            }
        }
        throw valueError("unmatched '{' in format spec")
    }

    /// CPython's `output_markup`: look the field up, convert, expand the spec, format.
    mutating func render(_ field: Field, depth: Int) throws(SpecError) -> Scalars {
        var value = try lookUp(field.name)
        if let conversion = field.conversion {
            let text = String(String.UnicodeScalarView(value))
            switch conversion {
            case "r": value = Array(PythonRepr.repr(.str(text)).unicodeScalars)
            case "s": break
            case "a": value = Array(PythonRepr.ascii(.str(text)).unicodeScalars)
            default:
                let shown =
                    conversion.value > 32 && conversion.value < 127
                    ? String(conversion) : "\\x" + String(conversion.value, radix: 16)
                throw valueError("Unknown conversion specifier \(shown)")
            }
        }
        var spec = Array(field.spec)
        if field.specNeedsExpanding { spec = try build(spec, depth: depth - 1) }
        return try StringFormatSpec.apply(spec, to: value)
    }

    /// CPython's `get_field_object` for a call with no positional arguments and string keyword arguments.
    mutating func lookUp(_ name: ArraySlice<Unicode.Scalar>) throws(SpecError) -> Scalars {
        var split = name.startIndex
        while split < name.endIndex && name[split] != "." && name[split] != "[" { split += 1 }
        let first = name[name.startIndex..<split]
        let index = try decimalInteger(first)
        let isEmpty = first.isEmpty
        if isEmpty || index != nil {
            if numbering == .initial { numbering = isEmpty ? .automatic : .manual }
            if numbering == .manual && isEmpty {
                throw valueError("cannot switch from manual field specification to automatic field numbering")
            }
            if numbering == .automatic && !isEmpty {
                throw valueError("cannot switch from automatic field numbering to manual field specification")
            }
            let position = isEmpty ? nextAutomaticIndex : index!
            if isEmpty { nextAutomaticIndex += 1 }
            throw SpecError(
                .invalidFormatString,
                message: "format string has a positional field {\(String(String.UnicodeScalarView(first)))}; "
                    + "use a named field instead: \(allowedFields)",
                pythonException: .indexError,
                pythonMessage: "Replacement index \(position) out of range for positional args tuple")
        }
        guard let argument = arguments.first(where: { $0.name.elementsEqual(first) }) else {
            let key = String(String.UnicodeScalarView(first))
            throw SpecError(
                .invalidFormatString,
                message:
                    "unknown field {\(key)} in format string; \(allowedFields) (write {{ and }} for literal braces)",
                pythonException: .keyError, pythonMessage: PythonRepr.repr(key))
        }
        var value = argument.value
        var pos = split
        while pos < name.endIndex {
            let opener = name[pos]
            pos += 1
            let itemStart = pos
            var itemEnd: Int
            if opener == "." {
                while pos < name.endIndex && name[pos] != "." && name[pos] != "[" { pos += 1 }
                itemEnd = pos
            } else if opener == "[" {
                while pos < name.endIndex && name[pos] != "]" { pos += 1 }
                guard pos < name.endIndex else { throw valueError("Missing ']' in format string") }
                itemEnd = pos
                pos += 1
            } else {
                throw valueError("Only '.' or '[' may follow ']' in format field specifier")
            }
            let item = name[itemStart..<itemEnd]
            let itemIndex = opener == "[" ? try decimalInteger(item) : nil
            if item.isEmpty { throw valueError("Empty attribute in format string") }
            let shown = String(String.UnicodeScalarView(name))
            if opener == "." {
                throw SpecError(
                    .invalidFormatString,
                    message: "attribute access {\(shown)} is not supported in format string; \(allowedFields)",
                    pythonException: .attributeError, pythonMessage: "'str' object has no stable attribute value")
            }
            guard let itemIndex else {
                throw SpecError(
                    .invalidFormatString,
                    message: "{\(shown)}: a string can only be indexed with a non-negative integer",
                    pythonException: .typeError, pythonMessage: "string indices must be integers, not 'str'")
            }
            guard itemIndex < value.count else {
                throw SpecError(
                    .invalidFormatString,
                    message: "{\(shown)}: index \(itemIndex) is past the end of a \(value.count)-character value",
                    pythonException: .indexError, pythonMessage: "string index out of range")
            }
            value = [value[itemIndex]]
        }
        return value
    }

    var allowedFields: String {
        let names = arguments.map { "{" + String(String.UnicodeScalarView($0.name)) + "}" }
        switch names.count {
        case 0: return "no fields are available"
        case 1: return "the only allowed field is \(names[0])"
        default: return "the allowed fields are " + names.joined(separator: ", ")
        }
    }

    /// CPython's `get_integer` on a field name part: `nil` when empty or not all decimal digits.
    func decimalInteger(_ s: ArraySlice<Unicode.Scalar>) throws(SpecError) -> Int? {
        guard !s.isEmpty else { return nil }
        var accumulator = 0
        for scalar in s {
            guard let digit = PythonUnicode.decimalValue(scalar.value) else { return nil }
            if accumulator > (Int.max - digit) / 10 {
                throw valueError("Too many decimal digits in format string")
            }
            accumulator = accumulator * 10 + digit
        }
        return accumulator
    }

    func valueError(_ text: String) -> SpecError {
        SpecError(
            .invalidFormatString, message: "invalid format string: \(text)", pythonException: .valueError,
            pythonMessage: text)
    }
}
