/// CPython's `str.__format__(spec)`: `parse_internal_render_format_spec` (default type `s`, default alignment `<`)
/// followed by `format_string_internal`.
enum StringFormatSpec {
    static func apply(_ spec: [Unicode.Scalar], to value: [Unicode.Scalar]) throws(SpecError) -> [Unicode
        .Scalar]
    {
        if spec.isEmpty { return value }
        var pos = 0
        let end = spec.count
        var fill: Unicode.Scalar = " "
        var align: Unicode.Scalar = "<"
        var fillSpecified = false
        var alignSpecified = false
        func isAlign(_ c: Unicode.Scalar) -> Bool { c == "<" || c == ">" || c == "=" || c == "^" }

        if end - pos >= 2 && isAlign(spec[pos + 1]) {
            align = spec[pos + 1]
            fill = spec[pos]
            fillSpecified = true
            alignSpecified = true
            pos += 2
        } else if end - pos >= 1 && isAlign(spec[pos]) {
            align = spec[pos]
            alignSpecified = true
            pos += 1
        }
        var sign: Unicode.Scalar?
        if pos < end && (spec[pos] == "+" || spec[pos] == "-" || spec[pos] == " ") {
            sign = spec[pos]
            pos += 1
        }
        var noNegativeZero = false
        if pos < end && spec[pos] == "z" {
            noNegativeZero = true
            pos += 1
        }
        var alternate = false
        if pos < end && spec[pos] == "#" {
            alternate = true
            pos += 1
        }
        if !fillSpecified && pos < end && spec[pos] == "0" {
            fill = "0"
            // The default alignment of a string is '<', so the numeric '=' default never applies.
            _ = alignSpecified
            pos += 1
        }
        let width = try integer(spec, &pos)
        var separator: Unicode.Scalar?
        if pos < end && spec[pos] == "," {
            separator = ","
            pos += 1
        }
        if pos < end && spec[pos] == "_" {
            if separator != nil { throw valueError("Cannot specify both ',' and '_'.") }
            separator = "_"
            pos += 1
        }
        if pos < end && spec[pos] == "," && separator == "_" {
            throw valueError("Cannot specify both ',' and '_'.")
        }
        var precision: Int?
        if pos < end && spec[pos] == "." {
            pos += 1
            precision = try integer(spec, &pos)
            if precision == nil { throw valueError("Format specifier missing precision") }
        }
        if end - pos > 1 {
            let text = String(String.UnicodeScalarView(spec))
            throw valueError("Invalid format specifier '\(text)' for object of type 'str'")
        }
        let type: Unicode.Scalar = end - pos == 1 ? spec[pos] : "s"
        if let separator {
            switch type {
            case "d", "e", "f", "g", "E", "G", "%", "F":
                break
            case "b", "o", "x", "X":
                if separator != "_" { throw valueError("Cannot specify '\(separator)' with \(shown(type)).") }
            default:
                throw valueError("Cannot specify '\(separator)' with \(shown(type)).")
            }
        }
        guard type == "s" else {
            throw valueError("Unknown format code \(shown(type)) for object of type 'str'")
        }
        if let sign {
            throw valueError(
                sign == " "
                    ? "Space not allowed in string format specifier"
                    : "Sign not allowed in string format specifier")
        }
        if noNegativeZero { throw valueError("Negative zero coercion (z) not allowed in string format specifier") }
        if alternate { throw valueError("Alternate form (#) not allowed in string format specifier") }
        if align == "=" { throw valueError("'=' alignment not allowed in string format specifier") }

        var body = ArraySlice(value)
        if let precision, precision < body.count { body = body.prefix(precision) }
        guard let width, width > body.count else { return Array(body) }
        guard width <= PythonFormat.maximumWidth else {
            throw SpecError(
                .invalidFormatString,
                message: "invalid format string: width \(width) is larger than \(PythonFormat.maximumWidth)",
                pythonException: .valueError, pythonMessage: "width \(width) refused")
        }
        let padding = width - body.count
        let left: Int
        switch align {
        case ">": left = padding
        case "^": left = padding / 2
        default: left = 0
        }
        var out = [Unicode.Scalar](repeating: fill, count: left)
        out.append(contentsOf: body)
        out.append(contentsOf: repeatElement(fill, count: padding - left))
        return out
    }

    /// CPython's `get_integer` in a format spec: consumes decimal digits (any script); `nil` if there are none.
    private static func integer(_ spec: [Unicode.Scalar], _ pos: inout Int) throws(SpecError) -> Int? {
        var accumulator = 0
        var digits = 0
        while pos < spec.count, let digit = PythonUnicode.decimalValue(spec[pos].value) {
            if accumulator > (Int.max - digit) / 10 { throw valueError("Too many decimal digits in format string") }
            accumulator = accumulator * 10 + digit
            digits += 1
            pos += 1
        }
        return digits > 0 ? accumulator : nil
    }

    private static func shown(_ c: Unicode.Scalar) -> String {
        c.value > 32 && c.value < 128 ? "'\(c)'" : "'\\x\(String(c.value, radix: 16))'"
    }

    private static func valueError(_ text: String) -> SpecError {
        SpecError(
            .invalidFormatString, message: "invalid format string: \(text)", pythonException: .valueError,
            pythonMessage: text)
    }
}
